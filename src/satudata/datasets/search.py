"""Catalog search shared by the portal and CKAN's package_search: words, fq clauses, facets.

Words match prefixes in the DatasetWord table (an index range, the same plan on SQLite and
PostgreSQL); fq understands `field:value`, `field:"two words"`, `field:(a OR b)`,
`a OR b` between clauses, negation (`-field:x`, `NOT field:x`) and `[from TO to]` ranges.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Count, Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from satudata.accounts.models import Agency
from satudata.datasets.models import Dataset, DatasetWord, Release, Tag

MAX_ROWS = 1000
# Each word and each field clause is one subquery: a search of 50 words ran for minutes.
# Later words are left out (the answer says which); more clauses are refused.
MAX_WORDS = 8
MAX_CLAUSES = 20
FACETS = ("organization", "groups", "tags", "res_format", "license_id", "region", "year")
SORTS = {
    "id": "uuid",
    "name": "slug",
    "title_string": "title",
    "title": "title",
    "metadata_modified": "modified_at",
    "metadata_created": "created_at",
    "score": "modified_at",
}
TOKEN = re.compile(
    r"""\s*(?:
      (?P<op>OR|AND|\|\||&&)(?=\s|$)
    | (?P<neg>-|!|\+|NOT\s+)?(?P<field>[A-Za-z_]+):(?P<value>"[^"]*"|\[[^\]]*\]|\([^)]*\)|[^\s()]+)
    | (?P<word>"[^"]*"|\S+)
    )""",
    re.VERBOSE,
)


class SearchQueryError(ValueError):
    """The q, fq or sort parameter cannot be understood."""


class TooManyClauses(SearchQueryError):
    """More field clauses than MAX_CLAUSES in one q or fq (`param` says which)."""

    param = "q"


@dataclass
class Budget:
    """What one search may look up: at most MAX_WORDS distinct words (shared by q and fq)
    and MAX_CLAUSES field clauses in each of them."""

    words: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    clauses: int = 0

    def take_words(self, text: str) -> list[str]:
        """The words of `text` still within the budget; the others are noted as ignored."""
        taken = []
        for word in re.findall(r"\w+", text.lower()):
            word = word[:40]
            if word in self.words:
                # A repeated word adds nothing to an AND of words.
                continue
            if len(self.words) >= MAX_WORDS:
                if word not in self.ignored:
                    self.ignored.append(word)
                continue
            self.words.append(word)
            taken.append(word)
        return taken

    def count_clause(self) -> None:
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            raise TooManyClauses(
                _("A search may hold at most %(max)d conditions.") % {"max": MAX_CLAUSES}
            )


def _published_release_ids(**filters):
    return Release.objects.filter(status=Release.Status.PUBLISHED, **filters).values("dataset_id")


def _when(raw: str, end: bool) -> datetime.datetime | None:
    raw = raw.strip()
    if raw in ("*", ""):
        return None
    if raw.upper().startswith("NOW"):
        return datetime.datetime.now(datetime.UTC)
    moment = parse_datetime(raw.rstrip("Z") + ("+00:00" if raw.endswith("Z") else ""))
    if moment is None:
        try:
            day = datetime.date.fromisoformat(raw[:10])
        except ValueError as exc:
            raise SearchQueryError(_("Cannot read the date %(value)s.") % {"value": raw}) from exc
        moment = datetime.datetime.combine(day, datetime.time.max if end else datetime.time.min)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def _range(column: str, value: str) -> Q:
    inner = value[1:-1]
    parts = re.split(r"\s+TO\s+", inner)
    if len(parts) != 2:
        raise SearchQueryError(_("A range looks like [2024-01-01T00:00:00Z TO *]."))
    low, high = _when(parts[0], False), _when(parts[1], True)
    q = Q()
    if low:
        q &= Q(**{f"{column}__gte": low})
    if high:
        q &= Q(**{f"{column}__lte": high})
    return q


def _clause(name: str, value: str, budget: Budget) -> Q:
    if value.startswith("(") and value.endswith(")"):
        q = Q(pk__in=[])
        for part in re.split(r"\s+OR\s+", value[1:-1].strip()):
            q |= _clause(name, part.strip(), budget)
        return q
    budget.count_clause()
    value = value.strip('"')
    if name in ("metadata_modified", "metadata_created"):
        if not value.startswith("["):
            raise SearchQueryError(_("Use a range such as [2024-01-01T00:00:00Z TO *]."))
        return _range(SORTS[name], value)
    if name in ("organization", "owner_org"):
        return Q(agency__slug=value) | Q(agency__slug=value.lower())
    if name in ("groups", "topic"):
        return Q(topic=value)
    if name == "tags":
        return Q(pk__in=Tag.datasets.through.objects.filter(tag__name=value).values("dataset_id"))
    if name == "res_format":
        return Q(pk__in=_published_release_ids(source_format=value.lower()))
    if name == "year":
        if not (value.isascii() and value.isdigit()):
            raise SearchQueryError(_("A year is a number."))
        return Q(pk__in=_published_release_ids(year=int(value)))
    if name == "region":
        through = Dataset.regions.through.objects
        return Q(pk__in=through.filter(region_id=value).values("dataset_id"))
    if name == "license_id":
        return Q(license=value)
    if name == "name":
        return Q(slug=value)
    if name == "id":
        return Q(uuid=value) if re.fullmatch(r"[0-9a-fA-F-]{32,36}", value) else Q(pk__in=[])
    if name in ("title", "text"):
        return _words_q(value, budget)
    raise SearchQueryError(_("Cannot search by the field %(name)s.") % {"name": name})


def _word_range(word: str) -> Q:
    word = word.lower()[:40]
    upper = word[:-1] + chr(ord(word[-1]) + 1)
    return Q(word__gte=word, word__lt=upper)


def _words_q(text: str, budget: Budget) -> Q:
    q = Q()
    for word in budget.take_words(text):
        q &= Q(pk__in=DatasetWord.objects.filter(_word_range(word)).values("dataset_id"))
    return q


def parse_query(text: str, budget: Budget | None = None) -> Q:
    """An fq (or q) string as one Q: AND between clauses, OR where `OR` joins them. The
    words looked up count against `budget` (shared by q and fq); the field clauses against a
    budget of this string's own."""
    budget = budget or Budget()
    budget.clauses = 0
    groups: list[Q] = []
    join_next = False
    wordless = False
    for match in TOKEN.finditer(text or ""):
        if match.group("op"):
            join_next = match.group("op") in ("OR", "||") and bool(groups)
            continue
        if match.group("field"):
            q = _clause(match.group("field"), match.group("value"), budget)
            if (match.group("neg") or "").strip() in ("-", "!", "NOT"):
                q = ~q
        elif match.group("word"):
            word = match.group("word")
            if word in ("*:*", "*"):
                continue
            if not re.search(r"\w", word):
                # "?" or "--" alone: nothing to look for, and it must not widen the search.
                wordless = True
                continue
            q = _words_q(word, budget)
        else:
            continue
        if join_next:
            groups[-1] = groups[-1] | q
        else:
            groups.append(q)
        join_next = False
    if wordless and not groups:
        # A search of only punctuation finds nothing, rather than everything.
        return Q(pk__in=[])
    result = Q()
    for q in groups:
        result &= q
    return result


def parse_sort(text: str | None) -> list[str]:
    order = []
    for part in (text or "score desc, metadata_modified desc").split(","):
        bits = part.split()
        if not bits:
            continue
        if (
            bits[0] not in SORTS
            or len(bits) > 2
            or (len(bits) == 2 and bits[1] not in ("asc", "desc"))
        ):
            raise SearchQueryError(_("Cannot sort by %(sort)s.") % {"sort": part.strip()})
        column = SORTS[bits[0]]
        order.append(("-" if len(bits) == 2 and bits[1] == "desc" else "") + column)
    return [*dict.fromkeys(order), "pk"]


def ignored_words_note(words: list[str]) -> str:
    """What the page and the API say when words past MAX_WORDS were left out."""
    return _("Only the first %(max)d words were searched; left out: %(words)s.") % {
        "max": MAX_WORDS,
        "words": " ".join(words)[:200],
    }


@dataclass
class SearchResult:
    count: int
    results: list  # Dataset objects (agency joined), or primary keys with ids_only
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    # Words past MAX_WORDS, not looked up: the page and the API say so.
    ignored_words: list[str] = field(default_factory=list)


def catalog(user):
    """Published datasets this visitor may see: open ones, and limited ones for accounts."""
    return Dataset.objects.visible_to(user).filter(published_at__isnull=False)


RELEASE_PARTS = ("id", "dataset_id", "uuid", "year", "period_type", "period", "version")
RELEASE_PARTS += ("source_format", "row_count", "created_at")
DATASET_PARTS = (
    "pk uuid slug title description topic concept definition classification measure unit "
    "frequency temporal_start temporal_end license access_level contact release_schedule "
    "status is_demo created_at modified_at"
).split()
AGENCY_PARTS = ("slug", "name", "description")


class Row(SimpleNamespace):
    """A record read with values_list(): what package_dict reads, without a model instance
    (building 500 model instances was most of a 100-package page's time)."""


class ReleaseRow(Row):
    period_label = Release.period_label
    resource_id = Release.resource_id


def with_package_parts(qs) -> list[Row]:
    """The datasets of `qs` (already sliced to a page) as rows with everything package_dict
    reads, in four queries for the whole page: the agency joined; tags, regions and published
    releases attached as lists."""
    agency_columns = [f"agency__{c}" for c in AGENCY_PARTS]
    datasets = []
    for values in qs.values_list(*DATASET_PARTS, *agency_columns):
        row = Row(**dict(zip(DATASET_PARTS, values, strict=False)))
        row.agency = Row(**dict(zip(AGENCY_PARTS, values[len(DATASET_PARTS) :], strict=True)))
        row.tag_list, row.region_list, row.published_releases = [], [], []
        datasets.append(row)
    by_id = {d.pk: d for d in datasets}
    if not by_id:
        return datasets
    tags = (
        Tag.datasets.through.objects.filter(dataset_id__in=by_id)
        .order_by("tag__name")
        .values_list("dataset_id", "tag_id", "tag__name")
    )
    for dataset_id, tag_id, name in tags:
        by_id[dataset_id].tag_list.append(Row(pk=tag_id, name=name))
    regions = (
        Dataset.regions.through.objects.filter(dataset_id__in=by_id)
        .order_by("region_id")
        .values_list("dataset_id", "region_id")
    )
    for dataset_id, code in regions:
        by_id[dataset_id].region_list.append(Row(code=code))
    releases = (
        Release.objects.filter(status=Release.Status.PUBLISHED, dataset_id__in=by_id)
        .order_by("year", "period", "version")
        .values_list(*RELEASE_PARTS)
    )
    for values in releases:
        release = ReleaseRow(**dict(zip(RELEASE_PARTS, values, strict=True)))
        release.dataset = by_id[release.dataset_id]
        release.dataset.published_releases.append(release)
    return datasets


def search(
    user,
    q: str = "",
    fq: str = "",
    sort: str | None = None,
    start: int = 0,
    rows: int = 10,
    facet_fields=(),
    facet_limit: int = 50,
    ids_only: bool = False,
) -> SearchResult:
    """Datasets matching q and fq, a page of them (primary keys only with ids_only), facets."""
    budget = Budget()
    qs = catalog(user)
    for param, text in (("q", q), ("fq", fq)):
        try:
            qs = qs.filter(parse_query(text, budget))
        except TooManyClauses as exc:
            exc.param = param
            raise
    order = parse_sort(sort)
    names = [name for name in dict.fromkeys(facet_fields) if name in FACETS]
    count, facets = _column_facets(qs, [n for n in names if n in COLUMN_FACETS], facet_limit)
    rows = max(0, min(rows, MAX_ROWS))
    ordered = qs.order_by(*order)
    if not count:
        page = []
    elif ids_only:
        page = list(ordered.values_list("pk", flat=True)[start : start + rows])
    else:
        page = list(ordered.select_related("agency")[start : start + rows])
    for name in names:
        if name not in COLUMN_FACETS:
            facets[name] = facet(qs, name, facet_limit)
    chosen = {n: facets[n] for n in names}
    return SearchResult(count, page, chosen, ignored_words=budget.ignored)


# Facets on the dataset's own columns: (grouped columns, how to label a value).
COLUMN_FACETS = {
    # The agency's id, not its slug: no join in the grouped query over every dataset; the
    # few agencies found are named by one small query.
    "organization": ("agency_id",),
    "groups": ("topic",),
    "license_id": ("license",),
}


def _column_facets(qs, names: list[str], limit: int) -> tuple[int, dict]:
    """The result count and the column facets from ONE grouped query (instead of a COUNT and
    a GROUP BY per facet): group by all the facet columns at once, then add up."""
    if not names:
        return qs.count(), {}
    columns = [c for name in names for c in COLUMN_FACETS[name]]
    grouped = list(qs.order_by().values_list(*columns).annotate(n=Count("pk")))
    labels = {"groups": dict(Dataset.Topic.choices), "license_id": dict(Dataset.License.choices)}
    if "organization" in names:
        found = {row[columns.index("agency_id")] for row in grouped}
        agencies = Agency.objects.filter(pk__in=found).values_list("pk", "slug", "name")
        labels["organization"] = {pk: (slug, name) for pk, slug, name in agencies}
    facets = {}
    for name in names:
        first = columns.index(COLUMN_FACETS[name][0])
        totals: dict[str, int] = {}
        shown: dict[str, str] = {}
        for row in grouped:
            value = row[first]
            if name == "organization":
                value, shown[value] = labels[name][value]
            else:
                shown[value] = str(labels[name].get(value, value))
            totals[value] = totals.get(value, 0) + row[-1]
        ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
        facets[name] = [(str(v), str(shown[v]), n) for v, n in ordered[:limit]]
    return sum(row[-1] for row in grouped), facets


def facet(qs, name: str, limit: int = 50) -> list[tuple[str, str, int]]:
    """(value, display name, count) for one facet over a result set, largest first."""
    ids = qs.values("pk")
    if name == "organization":
        rows = (
            qs.values_list("agency__slug", "agency__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "agency__slug")
        )
    elif name == "groups":
        labels = dict(Dataset.Topic.choices)
        rows = [
            (t, str(labels.get(t, t)), n)
            for t, n in qs.values_list("topic").annotate(n=Count("pk")).order_by("-n", "topic")
        ]
    elif name == "license_id":
        labels = dict(Dataset.License.choices)
        rows = [
            (t, str(labels.get(t, t)), n)
            for t, n in qs.values_list("license").annotate(n=Count("pk")).order_by("-n", "license")
        ]
    elif name == "tags":
        rows = (
            Tag.datasets.through.objects.filter(dataset_id__in=ids)
            .values_list("tag__name", "tag__name")
            .annotate(n=Count("dataset_id"))
            .order_by("-n", "tag__name")
        )
    elif name == "region":
        rows = (
            Dataset.regions.through.objects.filter(dataset_id__in=ids)
            .values_list("region_id", "region__name")
            .annotate(n=Count("dataset_id"))
            .order_by("-n", "region_id")
        )
    else:
        column = "source_format" if name == "res_format" else "year"
        found = (
            Release.objects.filter(status=Release.Status.PUBLISHED, dataset_id__in=ids)
            .values_list(column)
            .annotate(n=Count("dataset_id", distinct=True))
            .order_by("-n", column)
        )
        rows = [(str(v).upper() if name == "res_format" else str(v),) * 2 + (n,) for v, n in found]
    return [(str(a), str(b), n) for a, b, n in list(rows)[:limit]]
