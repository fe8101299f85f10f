"""The demo deployment: regions, agencies, accounts and synthetic residents, created once.

Running it again reuses what exists and never duplicates anything.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from satudata.accounts.models import Agency, User
from satudata.accounts.services import create_account
from satudata.regions.models import LocalUnit, Region, RolloutPhase
from satudata.registry.models import Family, Resident
from satudata.registry.synthetic import Generator

AGENCIES = [
    ("dpmptsp", "DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"),
    ("disdukcapil", "Disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("dlh", "DLH", "Dinas Lingkungan Hidup"),
    ("pupr", "PUPR", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("diskominfo", "Diskominfo", "Dinas Komunikasi dan Informatika (Media Center)"),
    ("hukum-ham", "Bagian Hukum", "Bagian Hukum dan Hak Asasi Manusia"),
    ("prokopim", "Prokopim", "Bagian Protokol dan Komunikasi Pimpinan (Humas)"),
    ("dinsos", "Dinsos", "Dinas Sosial"),
    ("bappeda", "Bappeda", "Badan Perencanaan Pembangunan Daerah"),
    ("dinkes", "Dinkes", "Dinas Kesehatan"),
    ("ortala", "Bagian Organisasi", "Bagian Organisasi (Laporan Kinerja e-LAKIP)"),
]

# Kecamatan Arut Selatan (Kotawaringin Barat) digitizes these villages first.
FIRST_PHASE_VILLAGES = [
    "62.01.02.2016",  # Natai Raya
    "62.01.02.2012",  # Runtu
    "62.01.02.2018",  # Natai Baru
    "62.01.02.2020",  # Sulung
    "62.01.02.2010",  # Rangda
    "62.01.02.1007",  # Kelurahan Raja
]
# Four villages of Kubu Raya, so the second seed regency has people too (with two, the small
# cells of one could be worked out from the district, and its figures were withheld).
OTHER_DEMO_VILLAGES = ["61.12.01.2001", "61.12.01.2002", "61.12.01.2003", "61.12.01.2004"]
RESIDENTS_PER_VILLAGE = 120

DEMO_ACCOUNTS = [
    # username, role, agency slug, region code
    ("walidata", User.Role.CUSTODIAN, None, None),
    ("dinkes", User.Role.PRODUCER, "dinkes", None),
    ("dinsos", User.Role.PRODUCER, "dinsos", None),
    ("operator.nataraya", User.Role.VILLAGE_OPERATOR, None, "62.01.02.2016"),
    ("operator.runtu", User.Role.VILLAGE_OPERATOR, None, "62.01.02.2012"),
    ("camat.arsel", User.Role.DISTRICT_VIEWER, None, "62.01.02"),
]


@dataclass
class DemoResult:
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    residents_created: int = 0
    agencies_created: int = 0


def passwords_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-accounts.txt"


def _demo_passwords() -> dict[str, str]:
    """Demo passwords, generated once and kept (mode 0600) in the data folder."""
    path = passwords_file()
    known: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, _, password = line.partition(" ")
            if name and password:
                known[name] = password
    changed = False
    for username, *_rest in DEMO_ACCOUNTS:
        if username not in known:
            known[username] = secrets.token_urlsafe(9)
            changed = True
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("".join(f"{n} {p}\n" for n, p in known.items()))
    return known


def seed_agencies() -> int:
    created = 0
    for slug, acronym, name in AGENCIES:
        _agency, was_created = Agency.objects.get_or_create(
            slug=slug, defaults={"name": name, "acronym": acronym}
        )
        created += was_created
    return created


def seed_accounts() -> list[tuple[str, str, str]]:
    passwords = _demo_passwords()
    shown = []
    for username, role, agency_slug, region_code in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            create_account(
                None,
                username=username,
                password=passwords[username],
                role=role,
                agency=Agency.objects.get(slug=agency_slug) if agency_slug else None,
                region=Region.objects.get(code=region_code) if region_code else None,
                is_demo=True,
            )
        elif user.is_demo and not user.check_password(passwords[username]):
            # The data folder's file is the truth for demo accounts.
            user.set_password(passwords[username])
            user.save(update_fields=["password"])
        shown.append((username, str(User.Role(role).label), passwords[username]))
    return shown


def _units_for(village: Region, hamlets: int, rws: int, rts: int) -> dict[tuple, LocalUnit]:
    """Dusun 1..n, each with RW 001..; each RW with RT 001..; created only if missing."""
    units: dict[tuple, LocalUnit] = {}
    for h in range(1, hamlets + 1):
        hamlet, _ = LocalUnit.objects.get_or_create(
            village=village, level="hamlet", name=f"Dusun {h}", parent=None
        )
        for w in range(1, rws + 1):
            rw, _ = LocalUnit.objects.get_or_create(
                village=village, level="rw", name=f"{w:03d}", parent=hamlet
            )
            for t in range(1, rts + 1):
                rt, _ = LocalUnit.objects.get_or_create(
                    village=village, level="rt", name=f"{t:03d}", parent=rw
                )
                units[(f"Dusun {h}", f"{w:03d}", f"{t:03d}")] = rt
    return units


def seed_residents(village_codes: list[str], per_village: int, seed: int = 2019) -> int:
    """Synthetic residents, marked as demo, for villages that have none yet."""
    generator = Generator(seed=seed)
    created = 0
    for index, code in enumerate(village_codes):
        village = Region.objects.filter(code=code).first()
        if village is None or Resident.all_objects.filter(village=village).exists():
            continue
        # Continue NIK serials per district so villages of one district never collide.
        generator.rng.seed(seed + index)
        units = _units_for(village, hamlets=3, rws=2, rts=4)
        families, people = [], []
        for fam in generator.families([code], per_village):
            family = Family(
                family_number=fam.family_number,
                village=village,
                unit=units[(fam.hamlet, fam.rw, fam.rt)],
                address=fam.address,
                is_demo=True,
            )
            families.append(family)
            people.extend((family, person) for person in fam.members)
        Family.objects.bulk_create(families)
        Resident.objects.bulk_create(
            [
                Resident(
                    family=family,
                    village=village,
                    unit=family.unit,
                    is_demo=True,
                    **vars(person),
                )
                for family, person in people
            ]
        )
        created += len(people)
    return created


@transaction.atomic
def seed_demo() -> DemoResult:
    result = DemoResult()
    result.agencies_created = seed_agencies()
    for phase_village in FIRST_PHASE_VILLAGES:
        village = Region.objects.filter(code=phase_village).first()
        if village is not None:
            RolloutPhase.objects.get_or_create(village=village, defaults={"phase": 1})
    result.accounts = seed_accounts()
    result.residents_created = seed_residents(
        FIRST_PHASE_VILLAGES + OTHER_DEMO_VILLAGES, RESIDENTS_PER_VILLAGE
    )
    # Sectoral demo datasets (marked is_demo), published; skipped when they exist.
    from satudata.datasets.demo import seed_demo_datasets

    seed_demo_datasets()
    # Invented maps and potential figures (marked as demo), so every part of a village page shows.
    from satudata.villages.demo import seed_demo_villages

    custodian = User.objects.filter(role=User.Role.CUSTODIAN, is_active=True).order_by("pk").first()
    seed_demo_villages(custodian, FIRST_PHASE_VILLAGES + OTHER_DEMO_VILLAGES)
    return result
