"""Turning a downloaded source file into the file the datasets app validates: mapping, columns."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

from satudata.datasets.validation import FileProblem, read_file
from satudata.integration.fetch import SourceProblem


def _csv_header(path: Path) -> tuple[list[str], str]:
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        line = handle.readline()
    separator = ";" if line.count(";") > line.count(",") else ","
    header = next(csv.reader([line], delimiter=separator), [])
    return [h.strip().lower() for h in header], separator


def columns_changed(previous: list[str], current: list[str]) -> str:
    """An Indonesian sentence naming missing and new columns, or '' when nothing changed."""
    if not previous:
        return ""
    missing = [c for c in previous if c not in current]
    new = [c for c in current if c not in previous]
    if not missing and not new:
        return ""
    with translation.override("id"):
        none = _("none")
        return _("The source's columns changed: missing %(missing)s; new %(new)s.") % {
            "missing": ", ".join(missing) or none,
            "new": ", ".join(new) or none,
        }


def prepare(path: Path, fmt: str, mapping: dict[str, str]) -> tuple[Path, str, list[str]]:
    """The file to upload (renamed to the dataset's field names), its format and source columns.

    A CSV is passed through untouched when no column needs renaming, and otherwise only its
    header line is rewritten, so a large file is streamed, never parsed twice.
    """
    mapping = {k.strip().lower(): v.strip().lower() for k, v in (mapping or {}).items()}
    if fmt == "csv":
        columns, separator = _csv_header(path)
        if not any(c in mapping and mapping[c] != c for c in columns):
            return path, fmt, columns
        out = _temp(".csv")
        with path.open("rb") as source, out.open("wb") as target:
            source.readline()
            renamed = [mapping.get(c, c) for c in columns]
            target.write((separator.join(renamed) + "\n").encode("utf-8"))
            while chunk := source.read(1 << 20):
                target.write(chunk)
        return out, "csv", columns
    try:
        frame = read_file(path, fmt)
    except FileProblem as exc:
        raise SourceProblem(str(exc)) from exc
    columns = list(frame.columns)
    renames = {c: mapping[c] for c in columns if c in mapping and mapping[c] != c}
    if not renames:
        return path, fmt, columns
    out = _temp(".csv")
    frame.rename(renames).write_csv(out)
    return out, "csv", columns


def _temp(suffix: str) -> Path:
    with tempfile.NamedTemporaryFile(prefix="satudata-map-", suffix=suffix, delete=False) as handle:
        return Path(handle.name)
