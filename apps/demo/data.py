"""The demo world: two instansi, their units, fifty pegawai and a login for every role."""

from __future__ import annotations

DEMO_PASSWORD = "ZonaIntegritas2026!"  # noqa: S105  (printed on purpose: demo mode only, refused in production by zi.E006)
DEMO_MFA_CODE = "000000"

INSTANSI = [
    {
        "code": "kemen-contoh",
        "name": "Kementerian Pelayanan Publik Contoh",
        "kind": "kementerian",
        "province": "",
        "units": [
            # code, name, kind, parent code, address
            ("SETJEN", "Sekretariat Jenderal", "eselon_i", None, "Jl. Merdeka Barat No. 1, Jakarta Pusat"),
            ("BIRO-UMUM", "Biro Umum", "eselon_ii", "SETJEN", "Jl. Merdeka Barat No. 1, Jakarta Pusat"),
            ("DITJEN-YAN", "Direktorat Jenderal Pelayanan", "eselon_i", None, "Jl. Medan Merdeka Timur No. 5, Jakarta"),
            ("DIT-IZIN", "Direktorat Perizinan", "eselon_ii", "DITJEN-YAN", "Jl. Medan Merdeka Timur No. 5, Jakarta"),
            ("KP-JKT", "Kantor Pelayanan Jakarta", "upt", "DIT-IZIN", "Jl. Gatot Subroto Kav. 10, Jakarta Selatan"),
        ],
    },
    {
        "code": "kota-contoh",
        "name": "Pemerintah Kota Contoh",
        "kind": "kota",
        "province": "32",
        "units": [
            ("DPMPTSP", "Dinas Penanaman Modal dan PTSP", "dinas", None, "Jl. Asia Afrika No. 12, Kota Contoh"),
            ("RSUD", "RSUD Kota Contoh", "rsud", None, "Jl. Kesehatan No. 3, Kota Contoh"),
            (
                "DISDUKCAPIL",
                "Dinas Kependudukan dan Pencatatan Sipil",
                "dinas",
                None,
                "Jl. Pahlawan No. 8, Kota Contoh",
            ),
        ],
    },
]

# Penetapan 2026: (instansi code, unit code, designated?, afirmasi type)
PENETAPAN = [
    ("kemen-contoh", "DIT-IZIN", True, ""),
    ("kemen-contoh", "KP-JKT", True, ""),  # holds a past WBK; building towards WBBM, LKE with the TPI
    ("kota-contoh", "DPMPTSP", True, ""),
    ("kota-contoh", "RSUD", True, "rsud"),
    ("kota-contoh", "DISDUKCAPIL", False, "dukcapil"),
]

# Proposals the demo makes through the services: (instansi code, unit code, predikat, TPI decision).
# RSUD holds a past WBK (recorded by the seed), so it may go for WBBM.
PROPOSALS = [
    ("kemen-contoh", "DIT-IZIN", "WBK", "layak_wbk"),
    ("kota-contoh", "RSUD", "WBBM", "layak_wbbm"),
]

# The unit whose LKE the demo submits incomplete (22 of 127 answered, with the unit's reason), so the
# Kementerian's TPI has work to review and can return every blank at once (issue 17).
REVIEW_WORK = ("kemen-contoh", "KP-JKT", 22)

# A public complaint the demo records against a predicated unit: its early warning is on /pemantauan/.
COMPLAINT = ("kemen-contoh", "KP-JKT", "Petugas loket meminta biaya tambahan di luar tarif resmi.")

# (email, name, instansi code or None, role, unit code or None)
LOGINS = [
    ("admin@kemen-contoh.go.id", "Rina Admin ZI", "kemen-contoh", "admin_zi", None),
    ("pimpinan@kemen-contoh.go.id", "Dr. Hendra Wijaya", "kemen-contoh", "pimpinan_instansi", None),
    ("kepala.izin@kemen-contoh.go.id", "Sri Wahyuni", "kemen-contoh", "pimpinan_unit", "DIT-IZIN"),
    ("operator.izin@kemen-contoh.go.id", "Agus Setiawan", "kemen-contoh", "tim_kerja", "DIT-IZIN"),
    ("pegawai.izin@kemen-contoh.go.id", "Dewi Anggraini", "kemen-contoh", "pegawai", "DIT-IZIN"),
    ("tpi@kemen-contoh.go.id", "Bambang Inspektur", "kemen-contoh", "tpi", None),
    ("pemantau@kemen-contoh.go.id", "Yudi Pemantau", "kemen-contoh", "viewer", None),
    ("admin@kota-contoh.go.id", "Lestari Admin ZI", "kota-contoh", "admin_zi", None),
    ("operator.dpmptsp@kota-contoh.go.id", "Fajar Nugroho", "kota-contoh", "tim_kerja", "DPMPTSP"),
    ("operator.rsud@kota-contoh.go.id", "Nur Aisyah", "kota-contoh", "tim_kerja", "RSUD"),
    ("pimpinan@kota-contoh.go.id", "Ir. Wahyu Hidayat", "kota-contoh", "pimpinan_instansi", None),
    ("tpi@kota-contoh.go.id", "Ratna Inspektur", "kota-contoh", "tpi", None),
    ("kemenpanrb@menpan.go.id", "Admin KemenPANRB", None, "kemenpanrb_admin", None),
    ("tpn@menpan.go.id", "Evaluator TPN", None, "tpn_evaluator", None),
]

FIRST_NAMES = [
    "Adi",
    "Budi",
    "Citra",
    "Dedi",
    "Eka",
    "Fitri",
    "Gita",
    "Hadi",
    "Indah",
    "Joko",
    "Kartika",
    "Lukman",
    "Maya",
    "Nanda",
    "Oki",
    "Putri",
    "Rizky",
    "Sari",
    "Teguh",
    "Utami",
    "Wahyu",
    "Yanti",
    "Zainal",
    "Ayu",
    "Bayu",
]
LAST_NAMES = ["Saputra", "Lestari", "Pratama", "Wulandari", "Hidayat", "Kusuma", "Siregar", "Nasution"]
POSITIONS = [
    ("Kepala Bagian", "Pembina (IV/a)"),
    ("Analis Kebijakan", "Penata (III/c)"),
    ("Pranata Komputer", "Penata Muda Tk. I (III/b)"),
    ("Arsiparis", "Penata Muda (III/a)"),
    ("Pengadministrasi Umum", "Pengatur (II/c)"),
]
