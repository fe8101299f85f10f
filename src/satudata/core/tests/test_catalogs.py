"""Both languages stay complete: every Indonesian catalog entry is translated and compiled."""

import ast
import gettext
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGS = sorted(PACKAGE.glob("*/locale/id/LC_MESSAGES/django.po"))


def entries(po_path: Path):
    """(msgid, msgid_plural, [msgstr…], fuzzy) for each entry of a .po file."""
    current, field, fuzzy = None, None, False
    for line in po_path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            if current:
                yield current
            current = {"msgid": "", "plural": None, "strs": [], "fuzzy": fuzzy}
            fuzzy, field = False, "msgid"
            current["msgid"] = ast.literal_eval(line[6:])
        elif line.startswith("msgid_plural "):
            field = "plural"
            current["plural"] = ast.literal_eval(line[13:])
        elif line.startswith("msgstr"):
            field = "strs"
            current["strs"].append(ast.literal_eval(line.split(" ", 1)[1]))
        elif line.startswith('"') and current:
            value = ast.literal_eval(line)
            if field == "strs":
                current["strs"][-1] += value
            else:
                current[field] = (current[field] or "") + value
    if current:
        yield current


def test_every_app_has_an_indonesian_catalog():
    apps = {p.parts[-5] for p in CATALOGS}
    assert {"core", "regions", "accounts", "audit", "portal", "registry"} <= apps


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: p.parts[-5])
def test_catalog_is_complete_and_compiled(po_path):
    compiled = gettext.GNUTranslations(po_path.with_suffix(".mo").open("rb"))
    for entry in entries(po_path):
        if not entry["msgid"]:
            continue  # the header
        assert not entry["fuzzy"], f"fuzzy: {entry['msgid']!r}"
        assert all(entry["strs"]), f"untranslated: {entry['msgid']!r}"
        if entry["plural"] is None:
            assert compiled.gettext(entry["msgid"]) == entry["strs"][0], (
                f".mo is stale for {entry['msgid']!r}; run compilemessages"
            )


def test_apps_agree_on_shared_strings():
    """Gettext merges all catalogs, so one app's wording of a shared string (or Django's,
    e.g. "This field is required.") silently replaces another's: keep them identical."""
    import django

    django_po = Path(django.__file__).parent / "conf/locale/id/LC_MESSAGES/django.po"
    seen = {e["msgid"]: ("django", e["strs"]) for e in entries(django_po) if e["msgid"]}
    clashes = []
    for po_path in CATALOGS:
        app = po_path.parts[-5]
        for entry in entries(po_path):
            if not entry["msgid"] or entry["msgid"] not in seen:
                seen.setdefault(entry["msgid"], (app, entry["strs"]))
                continue
            other, strs = seen[entry["msgid"]]
            if strs != entry["strs"] and all(strs):
                clashes.append(f"{entry['msgid']!r}: {other} {strs} vs {app} {entry['strs']}")
    assert not clashes, "\n".join(clashes)
