"""Shared set-up for the village benchmarks: regions of Kubu Raya, a custodian, boundaries."""

from __future__ import annotations

import math
import os
import random

from common import setup_django

REGENCY = "61.12"  # Kubu Raya: 9 districts, 123 villages
# A throwaway database in a temporary folder; not a secret.
BENCH_PASSWORD = "bench-Sandi-2026!"  # noqa: S105


def setup():
    setup_django(os.environ.get("BENCH_DATABASE_URL"))
    from satudata.accounts.services import create_account
    from satudata.regions.loader import load_regions

    load_regions(["61"])
    return create_account(
        None, username="bench-walidata", password=BENCH_PASSWORD, role="custodian"
    )


def villages():
    from satudata.regions.models import Region

    return list(Region.objects.filter(level=4, code__startswith=REGENCY + ".").order_by("code"))


def boundary_geojson(index: int, vertices: int = 200) -> bytes:
    """A wobbly closed ring on a grid over West Kalimantan, one per village."""
    import json

    rng = random.Random(index)
    cx, cy = 109.2 + (index % 12) * 0.08, -0.5 - (index // 12) * 0.08
    ring = []
    for k in range(vertices):
        angle = 2 * math.pi * k / vertices
        radius = 0.03 * (1 + 0.15 * rng.random())
        ring.append(
            [round(cx + radius * math.cos(angle), 6), round(cy + radius * math.sin(angle), 6)]
        )
    ring.append(ring[0])
    feature = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def upload_boundaries(actor) -> int:
    from satudata.villages import services

    count = 0
    for i, village in enumerate(villages()):
        services.upload_layer(
            actor,
            village,
            name="Batas",
            kind="boundary",
            filename="b.geojson",
            data=boundary_geojson(i),
        )
        count += 1
    return count
