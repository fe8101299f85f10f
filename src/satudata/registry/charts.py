"""Server-rendered SVG charts (no JavaScript, no CDN): bar geometry computed here."""

from __future__ import annotations

# Chart units. The whole chart is ~370 units wide so that, scaled to a phone's ~360 px, its
# 12-unit labels stay ~12 px high (at 470 units wide, inside a figure's default margins, they
# were ~6 px); site.css caps its width on wide screens.
COUNT = 40  # each side's column of counts
HALF = 120  # each side's longest bar
LABEL = 48  # the age groups between the two halves
ROW = 20
BAR = 16


def _value(count) -> int:
    """Bar length in people: "<3" as one; a hidden count ("*") as none, its size is the secret."""
    if count == "*":
        return 0
    return 1 if count == "<3" else int(count)


def pyramid_svg(age_groups: list[dict]) -> dict:
    """Bar geometry for a population pyramid: oldest group on top, men left, women right,
    each side's count at its outer edge."""
    biggest = max(
        [_value(g["male"]) for g in age_groups] + [_value(g["female"]) for g in age_groups] + [1]
    )
    centre_left, centre_right = COUNT + HALF, COUNT + HALF + LABEL
    rows = []
    for index, group in enumerate(reversed(age_groups)):
        male = round(HALF * _value(group["male"]) / biggest)
        female = round(HALF * _value(group["female"]) / biggest)
        rows.append(
            {
                "y": index * ROW,
                "text_y": index * ROW + 13,
                "label": group["group"],
                "male": group["male"],
                "female": group["female"],
                "male_x": centre_left - male,
                "male_w": male,
                "female_x": centre_right,
                "female_w": female,
            }
        )
    return {
        "rows": rows,
        "bar": BAR,
        "height": len(rows) * ROW,
        "width": 2 * (COUNT + HALF) + LABEL,
        "mid": centre_left + LABEL // 2,
        "left_label_x": COUNT - 4,
        "right_label_x": centre_right + HALF + 4,
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
