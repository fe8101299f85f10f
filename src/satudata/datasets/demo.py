"""A dozen demo datasets across the seed agencies, published, marked as demo; idempotent."""

from __future__ import annotations

import csv
import random
import tempfile
from pathlib import Path

from satudata.accounts.models import Agency, User
from satudata.datasets import services
from satudata.datasets.models import Dataset
from satudata.regions.models import Region

REGION = {"name": "kode_wilayah", "label": "Kode wilayah", "type": "region", "required": True}
MONTH = {
    "name": "bulan",
    "label": "Bulan",
    "type": "integer",
    "minimum": 1,
    "maximum": 12,
    "filterable": True,
}


def _int(name, label, unit=""):
    return {"name": name, "label": label, "type": "integer", "unit": unit, "minimum": 0}


# slug, title, agency, topic, tags, extra fields, level of rows ("village", "district", "month")
SPECS = [
    (
        "fasilitas-kesehatan",
        "Fasilitas kesehatan per kecamatan",
        "dinkes",
        "health",
        ["kesehatan", "puskesmas"],
        [_int("puskesmas", "Puskesmas"), _int("pustu", "Pustu"), _int("posyandu", "Posyandu")],
        "district",
    ),
    (
        "imunisasi-dasar",
        "Cakupan imunisasi dasar per desa",
        "dinkes",
        "health",
        ["kesehatan", "imunisasi"],
        [_int("sasaran", "Sasaran bayi"), _int("diimunisasi", "Bayi diimunisasi")],
        "village",
    ),
    (
        "sekolah-murid",
        "Sekolah dan murid per desa",
        "bappeda",
        "education",
        ["pendidikan", "sekolah"],
        [_int("sd", "SD"), _int("smp", "SMP"), _int("murid", "Murid", "orang")],
        "village",
    ),
    (
        "izin-terbit",
        "Izin yang diterbitkan per bulan",
        "dpmptsp",
        "economy",
        ["perizinan", "investasi"],
        [_int("izin_usaha", "Izin usaha"), _int("pbg", "Persetujuan bangunan gedung")],
        "month",
    ),
    (
        "penerima-bansos",
        "Penerima bantuan sosial per desa",
        "dinsos",
        "social",
        ["bansos", "pkh"],
        [_int("pkh", "Keluarga penerima PKH", "KK"), _int("bpnt", "Keluarga penerima BPNT", "KK")],
        "village",
    ),
    (
        "kondisi-jalan",
        "Kondisi jalan kabupaten per kecamatan",
        "pupr",
        "infrastructure",
        ["jalan", "infrastruktur"],
        [
            {"name": "baik_km", "label": "Baik (km)", "type": "number", "minimum": 0},
            {"name": "rusak_km", "label": "Rusak (km)", "type": "number", "minimum": 0},
        ],
        "district",
    ),
    (
        "sampah-terangkut",
        "Sampah terangkut per bulan",
        "dlh",
        "environment",
        ["sampah", "lingkungan"],
        [{"name": "ton", "label": "Sampah terangkut (ton)", "type": "number", "minimum": 0}],
        "month",
    ),
    (
        "penduduk-desa",
        "Jumlah penduduk per desa",
        "disdukcapil",
        "population",
        ["penduduk", "kependudukan"],
        [_int("laki_laki", "Laki-laki", "jiwa"), _int("perempuan", "Perempuan", "jiwa")],
        "village",
    ),
    (
        "akta-kelahiran",
        "Akta kelahiran terbit per bulan",
        "disdukcapil",
        "population",
        ["akta", "kependudukan"],
        [_int("akta", "Akta terbit")],
        "month",
    ),
    (
        "aduan-publik",
        "Aduan masyarakat per bulan",
        "diskominfo",
        "government",
        ["aduan", "layanan publik"],
        [_int("masuk", "Aduan masuk"), _int("selesai", "Aduan selesai")],
        "month",
    ),
    (
        "produk-hukum",
        "Produk hukum daerah per bulan",
        "hukum-ham",
        "government",
        ["peraturan", "hukum"],
        [_int("perda", "Peraturan daerah"), _int("perbup", "Peraturan bupati")],
        "month",
    ),
    (
        "rumah-tidak-layak",
        "Rumah tidak layak huni per desa",
        "bappeda",
        "infrastructure",
        ["perumahan", "rtlh"],
        [_int("rtlh", "Rumah tidak layak huni", "unit")],
        "village",
    ),
]


def _region_codes(level: str) -> list[str]:
    """Up to 30 villages (or every district) of each demo regency, the demo district's first,
    so the places the dataset says it covers, and the villages with residents, have rows."""
    depth = 4 if level == "village" else 3
    codes = []
    for regency, district in (("62.01", "62.01.02"), ("61.12", "61.12.01")):
        inside = Region.objects.filter(level=depth, code__startswith=regency + ".")
        first = list(inside.filter(code__startswith=district + ".").values_list("code", flat=True))
        rest = inside.exclude(code__in=first).order_by("code").values_list("code", flat=True)
        codes += (first + list(rest))[: max(30, len(first))] if depth == 4 else [*first, *rest]
    return sorted(set(codes))


def _plausible(slug: str, row: dict, rng: random.Random) -> dict:
    """Figures that hold together, so the demo shows no more children immunised than
    targeted or more schools than pupils (random numbers did)."""
    if slug == "imunisasi-dasar":
        row["sasaran"] = rng.randint(20, 160)
        row["diimunisasi"] = rng.randint(row["sasaran"] * 7 // 10, row["sasaran"])
    elif slug == "sekolah-murid":
        row["sd"], row["smp"] = rng.randint(1, 4), rng.randint(0, 2)
        row["murid"] = (row["sd"] + row["smp"]) * rng.randint(60, 180)
    elif slug == "penduduk-desa":
        row["laki_laki"], row["perempuan"] = rng.randint(300, 3000), rng.randint(300, 3000)
    return row


def _rows(slug: str, level: str, fields: list[dict], rng: random.Random) -> list[dict]:
    if level == "month":
        keys = [{"bulan": m} for m in range(1, 13)]
    else:
        keys = [{"kode_wilayah": c} for c in _region_codes(level)]
    rows = []
    for key in keys:
        row = dict(key)
        for f in fields:
            row[f["name"]] = (
                rng.randint(0, 400) if f["type"] == "integer" else round(rng.uniform(0, 120), 1)
            )
        rows.append(_plausible(slug, row, rng))
    return rows


def seed_demo_datasets() -> int:
    """Create and publish the demo datasets that do not exist yet; returns how many."""
    custodian = User.objects.filter(role=User.Role.CUSTODIAN).order_by("pk").first()
    if custodian is None or not Region.objects.filter(code="62.01").exists():
        return 0
    rng = random.Random(39)
    created = 0
    for slug, title, agency_slug, topic, tags, extra, level in SPECS:
        agency = Agency.objects.filter(slug=agency_slug).first()
        if agency is None or Dataset.all_objects.filter(slug=slug).exists():
            continue
        key = [MONTH] if level == "month" else [REGION]
        dataset = services.create_dataset(
            custodian,
            agency=agency,
            slug=slug,
            title=title,
            topic=topic,
            tags=tags,
            description=f"{title} (data demo, sintetis).",
            fields=key + extra,
            regions=["62.01", "61.12"],
            contact=f"Bidang data {agency.acronym}",
            release_schedule="Maret setiap tahun",
            temporal_start=2023,
            temporal_end=2024,
            is_demo=True,
        )
        names = [f["name"] for f in key + extra]
        with tempfile.TemporaryDirectory() as folder:
            for year in (2023, 2024):
                path = Path(folder) / f"{slug}-{year}.csv"
                with path.open("w", newline="", encoding="utf-8") as handle:
                    writer = csv.DictWriter(handle, fieldnames=names)
                    writer.writeheader()
                    writer.writerows(_rows(slug, level, extra, rng))
                services.upload_release(custodian, dataset, path=path, fmt="csv", year=year)
        services.submit(custodian, dataset)
        services.verify(custodian, dataset)
        services.publish(custodian, dataset)
        created += 1
    return created
