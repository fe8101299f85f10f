"""Reference code lists of the civil registry (Dukcapil) as OpenSID numbers them.

Labels are the registry's own Indonesian terms (as printed on a Kartu Keluarga), so they are
data, not UI text, and are not run through gettext; the UI shows them as they are.
"""

from __future__ import annotations

RELIGION = {
    1: "Islam",
    2: "Kristen",
    3: "Katholik",
    4: "Hindu",
    5: "Budha",
    6: "Khonghucu",
    7: "Kepercayaan Terhadap Tuhan YME / Lainnya",
}
EDUCATION_KK = {
    1: "Tidak/Belum Sekolah",
    2: "Belum Tamat SD/Sederajat",
    3: "Tamat SD/Sederajat",
    4: "SLTP/Sederajat",
    5: "SLTA/Sederajat",
    6: "Diploma I/II",
    7: "Akademi/Diploma III/S. Muda",
    8: "Diploma IV/Strata I",
    9: "Strata II",
    10: "Strata III",
}
EDUCATION_CURRENT = {
    1: "Belum masuk TK/Kelompok Bermain",
    2: "Sedang TK/Kelompok Bermain",
    3: "Tidak pernah sekolah",
    4: "Sedang SD/Sederajat",
    5: "Tidak tamat SD/Sederajat",
    6: "Sedang SLTP/Sederajat",
    7: "Sedang SLTA/Sederajat",
    8: "Sedang D-1/Sederajat",
    9: "Sedang D-2/Sederajat",
    10: "Sedang D-3/Sederajat",
    11: "Sedang S-1/Sederajat",
    12: "Sedang S-2/Sederajat",
    13: "Sedang S-3/Sederajat",
    14: "Sedang SLB A/Sederajat",
    15: "Sedang SLB B/Sederajat",
    16: "Sedang SLB C/Sederajat",
    17: "Tidak dapat membaca dan menulis huruf Latin/Arab",
    18: "Tidak sedang sekolah",
}
_OCCUPATIONS = (
    "Belum/Tidak Bekerja|Mengurus Rumah Tangga|Pelajar/Mahasiswa|Pensiunan|"
    "Pegawai Negeri Sipil (PNS)|Tentara Nasional Indonesia (TNI)|Kepolisian RI (POLRI)|"
    "Perdagangan|Petani/Pekebun|Peternak|Nelayan/Perikanan|Industri|Konstruksi|Transportasi|"
    "Karyawan Swasta|Karyawan BUMN|Karyawan BUMD|Karyawan Honorer|Buruh Harian Lepas|"
    "Buruh Tani/Perkebunan|Buruh Nelayan/Perikanan|Buruh Peternakan|Pembantu Rumah Tangga|"
    "Tukang Cukur|Tukang Listrik|Tukang Batu|Tukang Kayu|Tukang Sol Sepatu|"
    "Tukang Las/Pandai Besi|Tukang Jahit|Tukang Gigi|Penata Rias|Penata Busana|Penata Rambut|"
    "Mekanik|Seniman|Tabib|Paraji|Perancang Busana|Penterjemah|Imam Masjid|Pendeta|Pastor|"
    "Wartawan|Ustadz/Mubaligh|Juru Masak|Promotor Acara|Anggota DPR-RI|Anggota DPD|"
    "Anggota BPK|Presiden|Wakil Presiden|Anggota Mahkamah Konstitusi|"
    "Anggota Kabinet Kementerian|Duta Besar|Gubernur|Wakil Gubernur|Bupati|Wakil Bupati|"
    "Walikota|Wakil Walikota|Anggota DPRD Provinsi|Anggota DPRD Kabupaten/Kota|Dosen|Guru|"
    "Pilot|Pengacara|Notaris|Arsitek|Akuntan|Konsultan|Dokter|Bidan|Perawat|Apoteker|"
    "Psikiater/Psikolog|Penyiar Televisi|Penyiar Radio|Pelaut|Peneliti|Sopir|Pialang|"
    "Paranormal|Pedagang|Perangkat Desa|Kepala Desa|Biarawati|Wiraswasta|Lainnya"
)
OCCUPATION = dict(enumerate(_OCCUPATIONS.split("|"), start=1))
MARITAL_STATUS = {1: "Belum Kawin", 2: "Kawin", 3: "Cerai Hidup", 4: "Cerai Mati"}
BLOOD_TYPE = dict(
    enumerate("A B AB O A+ A- B+ B- AB+ AB- O+ O- Tidak Tahu".split(" ", 12), start=1)
)
RELATIONSHIP = {
    1: "Kepala Keluarga",
    2: "Suami",
    3: "Istri",
    4: "Anak",
    5: "Menantu",
    6: "Cucu",
    7: "Orang Tua",
    8: "Mertua",
    9: "Famili Lain",
    10: "Pembantu",
    11: "Lainnya",
}
CITIZENSHIP = {1: "WNI", 2: "WNA", 3: "Dua Kewarganegaraan"}
DISABILITY = {
    1: "Cacat Fisik",
    2: "Cacat Netra/Buta",
    3: "Cacat Rungu/Wicara",
    4: "Cacat Mental/Jiwa",
    5: "Cacat Fisik dan Mental",
    6: "Cacat Lainnya",
    7: "Tidak Cacat",
}
BASIC_STATUS = {1: "Hidup", 2: "Mati", 3: "Pindah", 4: "Hilang", 6: "Pergi"}
SEX = {1: "Laki-laki", 2: "Perempuan"}
HEAD = 1  # relationship code of the head of family

# Resident field -> its code list; used by validation, forms, the importer and statistics.
CODE_LISTS: dict[str, dict[int, str]] = {
    "sex": SEX,
    "religion": RELIGION,
    "education_kk": EDUCATION_KK,
    "education_current": EDUCATION_CURRENT,
    "occupation": OCCUPATION,
    "marital_status": MARITAL_STATUS,
    "blood_type": BLOOD_TYPE,
    "relationship": RELATIONSHIP,
    "citizenship": CITIZENSHIP,
    "disability": DISABILITY,
    "status": BASIC_STATUS,
}


def label(field: str, code: int | None) -> str:
    """The registry's label for a code, or an empty string for no code."""
    if code is None:
        return ""
    return CODE_LISTS[field].get(code, str(code))


def choices(field: str) -> list[tuple[int, str]]:
    return [(code, f"{code} – {text}") for code, text in CODE_LISTS[field].items()]
