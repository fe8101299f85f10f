"""Server-rendered SVG charts (no JavaScript, no CDN): bar geometry computed here."""

from __future__ import annotations

HALF = 150  # px for each side of the pyramid
ROW = 16


def _value(count) -> int:
    return 1 if count == "<3" else int(count)


def pyramid_svg(age_groups: list[dict]) -> dict:
    """Bar geometry for a population pyramid: oldest group on top, men left, women right."""
    biggest = max(
        [_value(g["male"]) for g in age_groups] + [_value(g["female"]) for g in age_groups] + [1]
    )
    rows = []
    for index, group in enumerate(reversed(age_groups)):
        male = round(HALF * _value(group["male"]) / biggest)
        female = round(HALF * _value(group["female"]) / biggest)
        rows.append(
            {
                "y": index * ROW,
                "text_y": index * ROW + 12,
                "label": group["group"],
                "male": group["male"],
                "female": group["female"],
                "male_x": 60 + HALF - male,
                "male_w": male,
                "female_x": 60 + HALF + 50,
                "female_w": female,
            }
        )
    return {
        "rows": rows,
        "height": len(rows) * ROW + 4,
        "width": 60 + 2 * HALF + 50 + 60,
        "mid": 60 + HALF + 25,
        "right_label_x": 60 + 2 * HALF + 54,
    }


def bar_rows(rows: list[dict], top: int | None = None, width: int = 200) -> list[dict]:
    """Horizontal bars, largest first; small cells ("<3") drawn as one person wide."""
    ordered = sorted(rows, key=lambda r: _value(r["count"]), reverse=True)
    if top:
        ordered = ordered[:top]
    biggest = max([_value(r["count"]) for r in ordered] + [1])
    return [
        {
            "label": r["label"],
            "count": r["count"],
            "w": max(1, round(width * _value(r["count"]) / biggest)),
        }
        for r in ordered
    ]
