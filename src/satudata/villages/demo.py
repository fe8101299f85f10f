"""Demo maps and potential figures for the demo villages, so a fresh portal shows every part
of a village page. Everything here is invented and says so: boundaries are hexagons laid side
by side near the district's real location, named "(contoh demo, bukan batas resmi)", and every
figure carries the note "Data contoh (demo)". Runs through the same services operators use
(validation, repair, audit) and skips villages that already have layers or figures.
"""

from __future__ import annotations

import datetime
import json
import math
import random

from satudata.regions.models import Region
from satudata.villages import services
from satudata.villages.models import MapLayer, PotentialEntry

DEMO_NOTE = "Data contoh (demo)"
# Roughly where each demo district lies (lon, lat), so the demo map sits in the right place.
DISTRICT_ORIGINS = {"62.01.02": (111.63, -2.72), "61.12.01": (109.33, -0.45)}
HEX_RADIUS = 0.025  # degrees; about 2.8 km

POTENTIALS = [
    # category, item, unit, low, high
    ("land", "Sawah", "ha", 40, 260),
    ("land", "Kebun dan ladang", "ha", 120, 900),
    ("agriculture", "Padi", "ton/tahun", 150, 1200),
    ("plantation", "Kelapa sawit", "ha", 50, 600),
    ("plantation", "Karet", "ha", 20, 300),
    ("fisheries", "Ikan kolam", "ton/tahun", 2, 40),
    ("fisheries", "Sapi", "ekor", 10, 120),
    ("trade", "Pasar desa", "unit", 0, 2),
    ("tourism", "Objek wisata", "unit", 0, 3),
    ("industry", "Usaha rumah tangga", "unit", 5, 60),
    ("infrastructure", "Jalan aspal", "km", 1, 15),
    ("infrastructure", "Rumah tangga berlistrik", "%", 70, 100),
    ("facilities", "Sekolah dasar", "unit", 1, 4),
    ("facilities", "Posyandu", "unit", 1, 5),
    ("facilities", "Tempat ibadah", "unit", 2, 9),
]


def _hexagon(cx: float, cy: float, r: float = HEX_RADIUS) -> list[list[float]]:
    ring = [
        [
            round(cx + r * math.cos(math.radians(60 * k)), 6),
            round(cy + r * math.sin(math.radians(60 * k)), 6),
        ]
        for k in range(6)
    ]
    return [*ring, ring[0]]


def _centre(district: str, index: int) -> tuple[float, float]:
    """Flat-topped hexagons in columns, so neighbouring demo villages share edges."""
    lon, lat = DISTRICT_ORIGINS.get(district, (113.9, -2.2))
    column, row = index % 3, index // 3
    dx = 1.5 * HEX_RADIUS * column
    dy = math.sqrt(3) * HEX_RADIUS * (row + (0.5 if column % 2 else 0))
    return lon + dx, lat - dy


def _collection(features: list[dict]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _feature(name: str, geometry: dict) -> dict:
    return {"type": "Feature", "properties": {"name": name}, "geometry": geometry}


def _layers(village: Region, cx: float, cy: float) -> list[tuple[str, str, bytes]]:
    """(kind, layer name, GeoJSON) of a demo village: boundary, schools, health post, road."""
    short = village.name.title()
    boundary = _feature(short, {"type": "Polygon", "coordinates": [_hexagon(cx, cy)]})
    d = HEX_RADIUS / 3
    schools = [
        _feature(f"SD Negeri {n} {short} (demo)", {"type": "Point", "coordinates": [x, y]})
        for n, (x, y) in enumerate([(cx - d, cy + d / 2), (cx + d, cy - d / 3)], 1)
    ]
    health = [_feature(f"Posyandu {short} (demo)", {"type": "Point", "coordinates": [cx, cy - d]})]
    road = [
        _feature(
            f"Jalan desa {short} (demo)",
            {
                "type": "LineString",
                "coordinates": [[cx - 2 * d, cy], [cx, cy + d / 4], [cx + 2 * d, cy]],
            },
        )
    ]
    return [
        ("boundary", "Batas desa (contoh demo, bukan batas resmi)", _collection([boundary])),
        ("school", "Sekolah (demo)", _collection(schools)),
        ("health", "Posyandu (demo)", _collection(health)),
        ("road", "Jalan (demo)", _collection(road)),
    ]


def seed_demo_villages(actor, codes: list[str], year: int | None = None) -> int:
    """Maps and potential figures for each demo village that has none; villages seeded."""
    year = year or datetime.date.today().year - 1
    seeded = 0
    positions: dict[str, int] = {}
    for code in codes:
        village = Region.objects.filter(code=code, level=Region.Level.VILLAGE).first()
        if village is None:
            continue
        district = code.rsplit(".", 1)[0]
        index = positions[district] = positions.get(district, -1) + 1
        touched = False
        if not MapLayer.objects.filter(village=village).exists():
            cx, cy = _centre(district, index)
            for kind, name, data in _layers(village, cx, cy):
                services.upload_layer(
                    actor, village, name=name, kind=kind, filename="demo.geojson", data=data
                )
            touched = True
        if not PotentialEntry.objects.filter(village=village).exists():
            rng = random.Random(code)  # the same figures on every machine
            for category, item, unit, low, high in POTENTIALS:
                services.save_potential(
                    actor,
                    village,
                    year=year,
                    category=category,
                    item=item,
                    value=rng.randint(low, high),
                    unit=unit,
                    note=DEMO_NOTE,
                )
            touched = True
        seeded += touched
    return seeded
