"""The syntax check of package_search's `fq`, before it is searched.

The catalog's query parser (datasets/search.py) is lenient on purpose: the portal's search
box reads punctuation as nothing to look for. A CKAN client's `fq` is a filter written by a
program, and Solr refuses one it cannot parse (400 "Search Query Error"). Read leniently, a
typo such as `fq=organization:` or an unclosed parenthesis matched no dataset, and a harvester
quietly harvested nothing; so the CKAN layer refuses what Solr would refuse, naming the part.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from satudata.datasets.search import TOKEN, SearchQueryError

PAIRS = {"(": ")", "[": "]"}
OPERATORS = ("OR", "AND", "||", "&&")
MATCH_ALL = ("*", "*:*")


def _balanced(text: str) -> None:
    """Quotes come in pairs, and parentheses and brackets close in order (outside quotes)."""
    waiting: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in PAIRS:
            waiting.append(PAIRS[char])
        elif char in PAIRS.values() and (not waiting or waiting.pop() != char):
            raise SearchQueryError(
                _("fq: %(char)s closes nothing that was opened.") % {"char": char}
            )
    if quoted:
        raise SearchQueryError(_("fq: a quotation mark is not closed."))
    if waiting:
        raise SearchQueryError(
            _("fq: %(char)s is missing at the end.") % {"char": "".join(reversed(waiting))}
        )


def check(text: str) -> None:
    """Raise SearchQueryError when `text` is not an fq this site can read: unbalanced
    quotes or parentheses, a field without a value (`organization:`), a group of clauses in
    parentheses (only one field's values may be grouped: `organization:(a OR b)`), lone
    punctuation, or OR/AND with nothing on one side."""
    _balanced(text)
    previous_operator = None
    seen_clause = False
    for match in TOKEN.finditer(text):
        operator = match.group("op")
        if operator:
            if not seen_clause or previous_operator:
                raise SearchQueryError(
                    _("fq: %(op)s needs a condition on each side.") % {"op": operator}
                )
            previous_operator = operator
            continue
        word = match.group("word")
        if word is not None and word not in MATCH_ALL:
            if ":" in word and not word.startswith('"'):
                raise SearchQueryError(
                    _(
                        'fq: cannot read %(part)s. Write field:value, field:"two words", '
                        "field:(a OR b) or field:[from TO to]."
                    )
                    % {"part": word[:60]}
                )
            if not re.search(r"\w", word):
                raise SearchQueryError(_("fq: cannot read %(part)s.") % {"part": word[:60]})
        value = match.group("value")
        if value is not None and value[:1] == "(" and not value[1:-1].strip():
            raise SearchQueryError(
                _("fq: %(field)s: the parentheses hold no value.") % {"field": match.group("field")}
            )
        if match.group("field") or word is not None:
            seen_clause = True
            previous_operator = None
    if previous_operator:
        raise SearchQueryError(
            _("fq: %(op)s needs a condition on each side.") % {"op": previous_operator}
        )
