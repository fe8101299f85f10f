"""Realistic synthetic residents and families for demos, tests and benchmarks.

Everything here is invented: names are drawn from common Indonesian (Malay, Dayak, Javanese,
Banjar, Bugis) names, NIKs and KK numbers follow the real structure with the village's district
code, so they pass validation but belong to no one. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

MALE = (
    "Ahmad Agus Budi Dedi Eko Fajar Hendra Irfan Joko Kurniawan Lukman Muhammad Nanang Rizki "
    "Slamet Taufik Usman Wahyu Yusuf Zainal Abdul Anton Bambang Darmawan Gusti Hamdan Iwan Junaidi "
    "Rudi Syahrul Andi Aris Antonius Yohanes Petrus Markus Stefanus Dominikus Mikael Herkulanus "
    "Sulaiman Hasan Rahmat Ridwan Firdaus Nurdin Saiful Arif Ilham Bayu Dimas Riko Hadi Ismail"
).split()
FEMALE = (
    "Siti Nurul Dewi Sri Wahyuni Rina Fitri Yuliana Lestari Ratna Ayu Indah Kartini Maria Agnes "
    "Yohana Theresia Elisabeth Nur Aisyah Fatimah Rahmawati Susanti Handayani Wulandari Putri "
    "Novita Lina Mega Dian Eka Sari Rosita Herlina Yanti Misnah Halimah Zubaidah Khadijah Anisa "
    "Marlina Suryani Juliana Veronika Katarina Hartini Sumiati Ernawati Rosmiati Nurhayati Aminah"
).split()
SECOND = (
    "Saputra Pratama Wijaya Hidayat Santoso Setiawan Kurnia Rahman Hakim Siregar Nugroho Susilo "
    "Syahputra Ramadhan Gunawan Hasibuan Lubis Purba Utami Anggraini Permata Sari Yanti Wati "
    "Ningsih Lestari Rahayu Astuti Hartono Sinaga Effendi Salim Mahmud Alamsyah Firmansyah "
    "Kusuma Jaya Ahmadi Husin Bahri Arsyad Tamrin Nuh Daud Frans Lawing Ingan Ajang Usat Ading"
).split()
PLACES = (
    "Pontianak,Sungai Raya,Kubu Raya,Pangkalan Bun,Kumai,Sampit,Palangka Raya,Ketapang,Sambas,"
    "Singkawang,Banjarmasin,Sintang,Mempawah,Landak,Sanggau,Surabaya,Semarang,Makassar"
).split(",")


@dataclass
class SyntheticPerson:
    nik: str
    name: str
    sex: int
    birth_place: str
    birth_date: datetime.date
    religion: int
    education_kk: int
    education_current: int
    occupation: int
    marital_status: int
    relationship: int
    blood_type: int
    father_name: str
    mother_name: str
    citizenship: int = 1
    status: int = 1


@dataclass
class SyntheticFamily:
    family_number: str
    village_code: str
    hamlet: str
    rw: str
    rt: str
    address: str
    members: list[SyntheticPerson] = field(default_factory=list)


class Generator:
    """Makes families village by village, with NIK serials unique per district and birth date."""

    def __init__(self, seed: int = 2019, today: datetime.date | None = None):
        self.rng = random.Random(seed)
        self.today = today or datetime.date(2026, 1, 1)
        self.serials: dict[str, int] = {}

    def _serial(self, key: str) -> str:
        self.serials[key] = self.serials.get(key, 0) + 1
        return f"{self.serials[key]:04d}"

    def nik(self, district_digits: str, birth: datetime.date, sex: int) -> str:
        day = birth.day + (40 if sex == 2 else 0)
        stem = f"{district_digits}{day:02d}{birth:%m%y}"
        return stem + self._serial(stem)

    def family_number(self, district_digits: str, issued: datetime.date) -> str:
        stem = f"{district_digits}{issued:%d%m%y}"
        return stem + self._serial("kk" + stem)

    def _birth(self, min_age: int, max_age: int) -> datetime.date:
        age_days = self.rng.randint(min_age * 365, max_age * 365 + 364)
        return self.today - datetime.timedelta(days=age_days)

    def _name(self, sex: int) -> str:
        first = self.rng.choice(MALE if sex == 1 else FEMALE)
        return f"{first} {self.rng.choice(SECOND)}" if self.rng.random() < 0.8 else first

    def person(
        self,
        district: str,
        sex: int,
        age: tuple[int, int],
        relationship: int,
        father: str = "",
        mother: str = "",
    ) -> SyntheticPerson:
        birth = self._birth(*age)
        years = (self.today - birth).days // 365
        religion = self.rng.choices([1, 2, 3, 4, 5, 6], [80, 8, 9, 0.5, 2, 0.5])[0]
        if years < 5:
            education, in_school = 1, 1
        elif years < 19:
            education, in_school = self.rng.choice([2, 3, 4]), self.rng.choice([2, 3, 4])
        else:
            education = self.rng.choices(range(1, 11), [6, 12, 28, 18, 22, 2, 4, 7, 0.8, 0.2])[0]
            in_school = 18
        if years < 17:
            occupation = 3 if years >= 5 else 1  # 3 pelajar/mahasiswa, 1 belum/tidak bekerja
        else:
            occupation = self.rng.choice([2, 9, 10, 11, 15, 19, 84, 88, 89, 5])
        marital = 1 if years < 19 else (2 if relationship in (1, 2, 3) else self.rng.choice([1, 2]))
        return SyntheticPerson(
            nik=self.nik(district, birth, sex),
            name=self._name(sex),
            sex=sex,
            birth_place=self.rng.choice(PLACES),
            birth_date=birth,
            religion=religion,
            education_kk=education,
            education_current=in_school,
            occupation=occupation,
            marital_status=marital,
            relationship=relationship,
            blood_type=self.rng.randint(1, 13),
            father_name=father or self._name(1),
            mother_name=mother or self._name(2),
        )

    def family(
        self, village_code: str, hamlets: int = 3, rws: int = 2, rts: int = 4
    ) -> SyntheticFamily:
        district = village_code.replace(".", "")[:6]
        issued = self._birth(0, 15)
        hamlet_no = self.rng.randint(1, hamlets)
        rw = f"{self.rng.randint(1, rws):03d}"
        rt = f"{self.rng.randint(1, rts):03d}"
        fam = SyntheticFamily(
            family_number=self.family_number(district, issued),
            village_code=village_code,
            hamlet=f"Dusun {hamlet_no}",
            rw=rw,
            rt=rt,
            address=f"Jl. {self.rng.choice(SECOND)} No. {self.rng.randint(1, 120)}",
        )
        head_sex = 1 if self.rng.random() < 0.88 else 2
        head = self.person(district, head_sex, (24, 75), relationship=1)
        fam.members.append(head)
        if head_sex == 1 and self.rng.random() < 0.85:
            fam.members.append(self.person(district, 2, (20, 70), relationship=3))
        father = head.name if head_sex == 1 else ""
        mother = fam.members[1].name if len(fam.members) > 1 else head.name if head_sex == 2 else ""
        for _child in range(self.rng.choices([0, 1, 2, 3, 4, 5], [8, 18, 30, 24, 12, 8])[0]):
            fam.members.append(
                self.person(district, self.rng.randint(1, 2), (0, 22), 4, father, mother)
            )
        if self.rng.random() < 0.08:
            fam.members.append(self.person(district, self.rng.randint(1, 2), (65, 90), 7))
        return fam

    def families(self, village_codes: list[str], residents: int) -> Iterator[SyntheticFamily]:
        """Families spread over the villages until about `residents` people are made."""
        made = 0
        i = 0
        while made < residents:
            fam = self.family(village_codes[i % len(village_codes)])
            i += 1
            made += len(fam.members)
            yield fam


def opensid_rows(families: Iterator[SyntheticFamily]) -> Iterator[list[str]]:
    """The families as rows of OpenSID's import format (header: exporter.OPENSID_HEADER)."""
    for fam in families:
        code = fam.village_code
        hamlet, rw, rt = fam.hamlet, fam.rw, fam.rt
        for p in fam.members:
            yield [
                fam.address,
                hamlet,
                rw,
                rt,
                p.name,
                fam.family_number,
                p.nik,
                str(p.sex),
                p.birth_place,
                p.birth_date.isoformat(),
                str(p.religion),
                str(p.education_kk),
                str(p.education_current),
                str(p.occupation),
                str(p.marital_status),
                str(p.relationship),
                str(p.citizenship),
                p.father_name,
                p.mother_name,
                str(p.blood_type),
                str(p.status),
                code,
            ]
