"""A small server-rendered SVG chart (bar or line): no JavaScript, no CDN, readable on phones."""

from __future__ import annotations

from django.db import connection
from django.utils.formats import number_format
from django.utils.html import escape

from satudata.datasets.datastore import quote
from satudata.datasets.models import Field, Release

MAX_BARS = 40
NUMERIC = (Field.Type.INTEGER, Field.Type.NUMBER)


def chart_fields(fields: list[Field]) -> tuple[list[Field], list[Field]]:
    """(fields to group by, numeric fields to sum)."""
    measures = [f for f in fields if f.type in NUMERIC]
    groups = [f for f in fields if f.type not in (Field.Type.NUMBER,)]
    return groups, measures


def default_measure(measures: list[Field], x_name: str) -> Field | None:
    """The first numeric field that is not the one grouped by: a month column is both, and
    "month summed by month" means nothing."""
    return next((f for f in measures if f.name != x_name), measures[0] if measures else None)


def group_count(release: Release, x: Field) -> int:
    table = quote(release.table_name)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(DISTINCT {quote(x.name)}) FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


def series(release: Release, x: Field, y: Field) -> list[tuple[str, float]]:
    table = quote(release.table_name)
    sql = (
        f"SELECT {quote(x.name)}, SUM({quote(y.name)}) FROM {table} "  # noqa: S608
        f"GROUP BY {quote(x.name)} ORDER BY {quote(x.name)} LIMIT {MAX_BARS}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [(str(k), float(v or 0)) for k, v in cursor.fetchall()]


def shown_number(value: float) -> str:
    """83, not 83.00; 1.234,5 in Indonesian and 1,234.5 in English."""
    if float(value).is_integer():
        return number_format(int(value), force_grouping=True)
    return number_format(round(value, 2), force_grouping=True)


def svg(points: list[tuple[str, float]], kind: str, title: str) -> str:
    if kind == "bar":
        return bars(points, title)
    return line(points, title)


def bars(points: list[tuple[str, float]], title: str) -> str:
    """One horizontal bar a row, its label before it and its value after it: 40 groups stay
    readable on a 360-px phone, where 40 rotated labels under vertical bars were 4 px high."""
    width, label_w, bar_w, row, top = 400, 150, 170, 22, 6
    height = top * 2 + row * max(len(points), 1)
    peak = max([v for _k, v in points] + [0]) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="13">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(points):
        y = top + i * row
        w = max(bar_w * value / peak, 0)
        number = shown_number(value)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(label[:20])}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" '
            f'fill="#0b5d3b"><title>{escape(label)}: {number}</title></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}">{number}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def line(points: list[tuple[str, float]], title: str) -> str:
    width, height, left, bottom, top = 640, 320, 56, 90, 24
    plot_w, plot_h = width - left - 12, height - bottom - top
    peak = max([v for _k, v in points] + [0]) or 1
    step = plot_w / max(len(points), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 12}" y2="{top + plot_h}" '
        'stroke="#5b6660"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{shown_number(peak)}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>',
    ]
    coords = []
    for i, (label, value) in enumerate(points):
        x = left + i * step
        h = plot_h * value / peak
        y = top + plot_h - h
        coords.append((x + step / 2, y, f"{escape(label)}: {shown_number(value)}"))
        parts.append(
            f'<text transform="translate({x + step / 2:.1f},{top + plot_h + 8}) rotate(60)" '
            f">{escape(label[:18])}</text>"
        )
    if coords:
        path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy, _t in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#0b5d3b" stroke-width="2"/>')
        parts.extend(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="#0b5d3b">'
            f"<title>{text}</title></circle>"
            for cx, cy, text in coords
        )
    parts.append("</svg>")
    return "".join(parts)
