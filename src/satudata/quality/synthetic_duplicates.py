"""Planting realistic duplicates into synthetic residents, for linkage tests and benchmarks.

A planted duplicate is the same person registered a second time: with a mistyped NIK, a
temporary NIK, or a new NIK after moving to another village, and with the name (and sometimes
the mother's or father's name) spelled differently — Nurul/Noerul, Joko/Djoko, swapped
letters, a doubled or dropped letter. Birth date and mother's name stay those of the person.
"""

from __future__ import annotations

import random
from dataclasses import replace

from satudata.registry.synthetic import Generator, SyntheticPerson

_SWAPS = (("u", "oe"), ("oe", "u"), ("j", "dj"), ("dj", "j"), ("c", "tj"), ("y", "j"))


def spelling_variant(name: str, rng: random.Random) -> str:
    """The same name as another clerk might type it."""
    choice = rng.random()
    if choice < 0.45:
        for old, new in rng.sample(_SWAPS, len(_SWAPS)):
            if old in name.lower():
                index = name.lower().index(old)
                variant = name[:index] + new + name[index + len(old) :]
                return variant[:1].upper() + variant[1:]
    letters = [i for i in range(1, len(name) - 1) if name[i].isalpha() and name[i + 1].isalpha()]
    if not letters:
        return name
    i = rng.choice(letters)
    if choice < 0.75:  # swapped neighbouring letters
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if choice < 0.9:  # a doubled letter
        return name[:i] + name[i] + name[i:]
    return name[:i] + name[i + 1 :]  # a dropped letter


def mistyped_nik(nik: str, rng: random.Random) -> str:
    """One digit of the serial or birth date changed, or two neighbouring digits swapped."""
    i = rng.randrange(6, 15)
    if rng.random() < 0.5 and nik[i] != nik[i + 1]:
        return nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]
    digit = rng.choice([d for d in "0123456789" if d != nik[i]])
    return nik[:i] + digit + nik[i + 1 :]


def plant(
    people: list[tuple[SyntheticPerson, str]],
    share: float,
    seed: int = 7,
) -> tuple[list[tuple[SyntheticPerson, str]], list[tuple[str, str]]]:
    """Duplicates of `share` of the (person, village code) list, and the true (NIK, NIK) pairs.

    Every planted NIK is unique among the originals and the other duplicates.
    """
    rng = random.Random(seed)
    taken = {p.nik for p, _v in people}
    villages = sorted({v for _p, v in people})
    count = round(len(people) * share)
    duplicates: list[tuple[SyntheticPerson, str]] = []
    truth: list[tuple[str, str]] = []
    temp_serial = 0
    for person, village in rng.sample(people, len(people)):
        if len(truth) >= count:
            break
        kind = rng.random()
        dup_village = village
        if kind < 0.4:
            nik = mistyped_nik(person.nik, rng)
        elif kind < 0.7 or len(villages) < 2:
            dup_village = rng.choice([v for v in villages if v != village] or villages)
            nik = person.nik[:12] + f"{rng.randint(5000, 9999):04d}"
        else:
            dup_village = rng.choice(villages)
            temp_serial += 1
            nik = "0" + dup_village.replace(".", "") + f"{temp_serial:05d}"
        if nik in taken:
            continue
        taken.add(nik)
        changes = {"nik": nik, "name": spelling_variant(person.name, rng)}
        if rng.random() < 0.3:
            changes["mother_name"] = spelling_variant(person.mother_name, rng)
        if rng.random() < 0.2:
            changes["father_name"] = spelling_variant(person.father_name, rng)
        duplicates.append((replace(person, **changes), dup_village))
        truth.append((person.nik, nik))
    return duplicates, truth


def populate(villages: list[str], residents: int, share: float, seed: int = 3):
    """Write synthetic families plus planted duplicates to the registry (bulk); returns the
    true (NIK, NIK) pairs. For tests and benchmarks only: the records are marked as demo."""
    from django.db import transaction

    from satudata.registry.models import Family, Resident

    people, families = [], []
    for fam in Generator(seed).families(villages, round(residents / (1 + share))):
        families.append(
            (
                Family(family_number=fam.family_number, village_id=fam.village_code, is_demo=True),
                fam,
            )
        )
    records = []
    with transaction.atomic():
        Family.objects.bulk_create([f for f, _fam in families], batch_size=5000)
        for family, fam in families:
            for p in fam.members:
                people.append((p, fam.village_code))
                records.append(_resident(p, fam.village_code, family))
        duplicates, truth = plant(people, share, seed=seed)
        records += [_resident(p, village, None) for p, village in duplicates]
        Resident.objects.bulk_create(records, batch_size=5000)
    return truth


def _resident(p: SyntheticPerson, village: str, family):
    from satudata.registry.models import Resident

    return Resident(
        nik=p.nik,
        nik_is_temporary=p.nik.startswith("0"),
        name=p.name,
        sex=p.sex,
        birth_place=p.birth_place,
        birth_date=p.birth_date,
        father_name=p.father_name,
        mother_name=p.mother_name,
        status=p.status,
        village_id=village,
        family=family,
        is_demo=True,
    )
