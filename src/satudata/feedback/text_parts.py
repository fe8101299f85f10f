"""Pieces of patterns that `privacy` (numbers, dates) and `house_numbers` (addresses) share."""

# The dashes people type between numbers: ‐ ‑ ‒ – — ― − ﹘ ﹣ －.
DASHES = "\u2010-\u2015\u2212\ufe58\ufe63\uff0d"
# A day of the month, 1 to 31, with or without its zero.
DAY = r"(?:0?[1-9]|[12]\d|3[01])(?!\d)"
MONTHS = (
    # Indonesian, with the older spellings and the usual abbreviations.
    "januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|"
    "november|nopember|desember|agu|agt|ags|agus|agst|agust|okt|okto|nop|des|peb|pebr|febr|"
    "mrt|"
    # The spelling before 1972, still in old documents and in some people's writing.
    "djanuari|djuni|djuli|agoestoes|agoestus|pebroeari|fébruari|"
    # English and the abbreviations both languages share.
    "january|february|march|may|june|july|august|october|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
# What a number counts, said after it: after a street's name it is then no house, and after
# three numbers no date (privacy._NAMED_DATE). After a street: "Jalan Desa 500 meter",
# "Gg. Mawar 3 titik berlubang", "Jalan Usaha Tani 2023", "jalan tani 2 lokasi", "jalan
# merdeka 2 ruas". Not the parts of an address ("desa", "dusun", "RT", "gang", "blok"): after
# a house number they go on with the address ("Jl. Mawar 12 desa Sukamaju").
# Also money ("50 ribu", "2 jt", "50rb"), times of day ("8 pagi"), the things and people on a
# road ("3 ruko", "2 polisi tidur", "3 korban"), a range or a fraction before a unit ("3-4 km",
# "3 s/d 4 km", "3 sampai 4 km", "1/2 km") and a round number ("300an meter", "300an").
COUNTED = (
    r"%|(?i:m|meter|mtr|km|kilometer|cm|mm|titik|lubang|persen|tahun|thn|th|bulan|bln|hari|"
    r"hr|minggu|mgg|pekan|jam|menit|mnt|detik|dtk|pagi|siang|sore|malam|subuh|petang|wib|wita|"
    r"wit|kali|x|orang|org|jiwa|kk|kepala|rumah|unit|buah|bh|lampu|tiang|ton|kg|kilo|liter|ha|"
    r"hektar|hektare|keluarga|warga|anak|siswa|murid|lansia|balita|ekor|pohon|batang|sak|"
    r"karung|lokasi|tempat|ruas|segmen|paket|jalur|lajur|arah|bagian|sisi|petak|jembatan|"
    r"motor|mobil|kendaraan|truk|sepeda|angkot|bus|bis|ojek|becak|gerobak|kecelakaan|"
    r"kejadian|kasus|korban|pengendara|penumpang|pejalan|pemotor|pengguna|pedagang|pelajar|"
    r"derajat|ruko|kios|toko|warung|lapak|bangunan|gedung|lantai|kantor|masjid|gereja|"
    r"sekolah|got|drainase|selokan|parit|gorong|saluran|tanggul|pipa|kabel|gardu|trafo|"
    r"sumur|polisi|rambu|portal|gapura|halte|cctv|ribu|rb|rbu|rebu|juta|jt|jta|miliar|"
    r"milyar|rupiah|perak|k|perahu|kapal|keramba|dermaga|penerima|peserta|guru|bidan|dokter|"
    r"petani|nelayan|sapi|kambing|posyandu|mushola|musholla|tandon|pompa|generator|tower|"
    r"kolam)(?![^\W\d_])"
)
