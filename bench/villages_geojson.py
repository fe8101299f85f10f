"""Benchmark: GeoJSON of a whole regency's village boundaries through the API.

Run: .venv/bin/python bench/villages_geojson.py
Goal (issue "Village profile, maps…"): 120+ village boundaries served in <= 100 ms p95.
Baseline in the same run: decoding the stored layers and re-encoding them with json.dumps
(what serving from parsed geometry would cost), without Django's request handling.
"""

from __future__ import annotations

import json

from common import latency_line, say, timed
from villages_common import REGENCY, setup, upload_boundaries


def main() -> None:
    custodian = setup()
    with timed() as load:
        count = upload_boundaries(custodian)
    say(f"uploaded {count} synthetic village boundaries (200 vertices each) in {load():.1f} s")

    from django.test import Client

    from satudata.villages.models import MapLayer

    client = Client()
    url = f"/api/v1/villages/{REGENCY}/geojson"
    for _i in range(5):
        client.get(url)
    samples = []
    for _i in range(100):
        with timed() as t:
            response = client.get(url)
        samples.append(t())
    body = response.content
    assert response.status_code == 200 and len(json.loads(body)["features"]) == count
    baseline = []
    for _i in range(100):
        with timed() as t:
            texts = MapLayer.objects.filter(village__code__startswith=REGENCY + ".").values_list(
                "features", flat=True
            )
            features = [json.loads(text) for text in texts]
            json.dumps({"type": "FeatureCollection", "features": features})
        baseline.append(t())
    say(
        latency_line(
            f"GeoJSON {count} boundaries, {len(body) / 1e6:.1f} MB (goal p95 <= 100 ms)", samples
        )
    )
    say(latency_line("baseline: decode + json.dumps of the same layers", baseline))


if __name__ == "__main__":
    main()
