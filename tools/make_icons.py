"""Draw the PNG app icons from the same shapes as static/satudata/icon.svg.

Phones want bitmaps: Android's install prompt the 192 and 512 px icons of the manifest, iOS
the 180 px apple-touch-icon. Run after changing icon.svg:

    .venv/bin/python tools/make_icons.py

Pillow is already a dependency (feedback photos), so this needs nothing new.
"""

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parent.parent / "src/satudata/core/static/satudata"
GREEN, WHITE, YELLOW = "#0b5d3b", "#ffffff", "#f2c14e"
SUPERSAMPLE = 4  # drawn large and scaled down, for smooth edges


def draw(size: int, rounded: bool) -> Image.Image:
    """The 64-unit SVG at `size` px; iOS rounds the corners itself, so its icon is square."""
    big = size * SUPERSAMPLE
    unit = big / 64
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    radius = 12 * unit if rounded else 0
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=radius, fill=GREEN)
    outer, inner = (16 + 3) * unit, (16 - 3) * unit  # ring r=16, stroke 6
    centre = 32 * unit
    pen.ellipse((centre - outer, centre - outer, centre + outer, centre + outer), fill=WHITE)
    pen.ellipse((centre - inner, centre - inner, centre + inner, centre + inner), fill=GREEN)
    dot = 5 * unit
    pen.ellipse((centre - dot, centre - dot, centre + dot, centre + dot), fill=YELLOW)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    for name, size, rounded in [
        ("icon-192.png", 192, True),
        ("icon-512.png", 512, True),
        ("apple-touch-icon.png", 180, False),
    ]:
        draw(size, rounded).save(STATIC / name, optimize=True)
        print(STATIC / name)


if __name__ == "__main__":
    main()
