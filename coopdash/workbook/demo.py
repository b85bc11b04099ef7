"""Demo data: a realistic, synthetic cooperation office, in the workbook's text form.

`generate(participants, seed, today)` returns one DataFrame per contract table whose
columns are exactly the contract's columns and whose cells are strings as a workbook
holds them (dates `YYYY-MM-DD`, amounts `"1500000.00"`, the empty string for missing).
Every id starts with `demo-` (the UI recognises demo records by it). The same seed and
`today` give identical frames. Everything is vectorised with numpy: a million
participants take a few seconds.

The real way into a store is the importer (`coopdash.workbook.importer.import_frames`), which
validates every value. `load_into(con, frames)` is a quick unvalidated loader for tests
and benchmarks on a migrated store; `write(frames, path)` writes a CSV folder or `.xlsx`.

All names of people are synthetic, built from lists of common name parts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from coopdash.contract import CODES, TABLE_ORDER, TABLES
from coopdash.workbook.regions import provinces, regencies_sample

DEMO_PREFIX = "demo-"

# --- reference lists -----------------------------------------------------------------

# name, country, office_city, org_type
PARTNERS: tuple[tuple[str, str, str, str], ...] = (
    ("CLAIR Singapore (JCLAIR)", "JP", "Singapore", "local_government_association"),
    ("Council of Local Authorities for International Relations", "JP", "Tokyo",
     "local_government_association"),
    ("Japan International Cooperation Agency", "JP", "Jakarta", "government"),
    ("City of Kitakyushu", "JP", "Kitakyushu", "local_government"),
    ("National Graduate Institute for Policy Studies", "JP", "Tokyo", "academic"),
    ("Pacific Urban Consultants Co., Ltd.", "JP", "Tokyo", "private"),
    ("Fukuoka Sister City Friendship Committee", "JP", "Fukuoka", "other"),
    ("Korea Research Institute for Local Administration", "KR", "Wonju", "public_sector"),
    ("Korea International Cooperation Agency", "KR", "Seongnam", "government"),
    ("Seoul Metropolitan Government", "KR", "Seoul", "local_government"),
    ("Governors Association of Korea", "KR", "Seoul", "local_government_association"),
    ("Civil Service College", "SG", "Singapore", "public_sector"),
    ("Centre for Liveable Cities", "SG", "Singapore", "public_sector"),
    ("Lien Civic Foundation", "SG", "Singapore", "ngo"),
    ("Department of Foreign Affairs and Trade", "AU", "Jakarta", "government"),
    ("Local Government Association of Queensland", "AU", "Brisbane",
     "local_government_association"),
    ("Australian National University, Crawford School", "AU", "Canberra", "academic"),
    ("VNG International", "NL", "The Hague", "local_government_association"),
    ("Municipality of Rotterdam", "NL", "Rotterdam", "local_government"),
    ("Deutsche Gesellschaft für Internationale Zusammenarbeit", "DE", "Jakarta",
     "public_sector"),
    ("Konrad-Adenauer-Stiftung", "DE", "Jakarta", "ngo"),
    ("Hanns-Seidel-Stiftung", "DE", "Jakarta", "ngo"),
    ("Agence Française de Développement", "FR", "Jakarta", "public_sector"),
    ("Cités Unies France", "FR", "Paris", "local_government_association"),
    ("Organisation for Economic Co-operation and Development", "FR", "Paris",
     "multilateral"),
    ("United States Agency for International Development", "US", "Jakarta", "government"),
    ("The Asia Foundation", "US", "Jakarta", "ngo"),
    ("Harvard Kennedy School Ash Center", "US", "Cambridge", "academic"),
    ("United Nations Development Programme", "US", "Jakarta", "multilateral"),
    ("Chinese Academy of Governance", "CN", "Beijing", "public_sector"),
    ("Guangxi Foreign Affairs Office", "CN", "Nanning", "local_government"),
    ("National Institute of Public Administration (INTAN)", "MY", "Kuala Lumpur",
     "public_sector"),
    ("Penang Island City Council", "MY", "George Town", "local_government"),
    ("National Institute of Development Administration", "TH", "Bangkok", "academic"),
    ("Bangkok Metropolitan Administration", "TH", "Bangkok", "local_government"),
    ("Local Government Association", "GB", "London", "local_government_association"),
    ("British Council", "GB", "Jakarta", "public_sector"),
    ("Northbridge Advisory Ltd", "GB", "London", "private"),
    ("Asian Development Bank", "PH", "Manila", "multilateral"),
    ("Local Government Academy", "PH", "Manila", "public_sector"),
    ("UCLG Asia-Pacific", "ID", "Jakarta", "local_government_association"),
    ("Local Government New Zealand", "NZ", "Wellington", "local_government_association"),
    ("Ho Chi Minh National Academy of Politics", "VN", "Hanoi", "academic"),
)

# Extra partners for large demos: "<city> <suffix>".
CITIES: dict[str, tuple[str, ...]] = {
    "JP": ("Tokyo", "Osaka", "Yokohama", "Kobe", "Fukuoka", "Sapporo", "Sendai", "Kyoto",
           "Hiroshima", "Niigata"),
    "KR": ("Seoul", "Busan", "Incheon", "Daegu", "Gwangju", "Suwon", "Jeonju"),
    "SG": ("Singapore",),
    "AU": ("Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide", "Darwin"),
    "NL": ("Amsterdam", "Rotterdam", "Utrecht", "The Hague", "Eindhoven"),
    "DE": ("Berlin", "Hamburg", "Munich", "Cologne", "Freiburg", "Bonn"),
    "FR": ("Paris", "Lyon", "Bordeaux", "Lille", "Strasbourg"),
    "US": ("Washington", "Seattle", "San Francisco", "Honolulu", "Boston"),
    "CN": ("Beijing", "Shanghai", "Nanning", "Guangzhou", "Kunming", "Xiamen"),
    "MY": ("Kuala Lumpur", "Putrajaya", "George Town", "Kuching", "Kota Kinabalu"),
    "TH": ("Bangkok", "Chiang Mai", "Khon Kaen", "Phuket"),
    "GB": ("London", "Manchester", "Birmingham", "Edinburgh", "Bristol"),
    "PH": ("Manila", "Quezon City", "Cebu", "Davao"),
    "NZ": ("Wellington", "Auckland", "Christchurch"),
    "VN": ("Hanoi", "Ho Chi Minh City", "Da Nang"),
    "ID": ("Jakarta", "Bandung", "Surabaya", "Yogyakarta", "Denpasar", "Makassar", "Medan",
           "Semarang", "Balikpapan", "Manado"),
}
EXTRA_SUFFIX = {
    "local_government": "City Government International Affairs Division",
    "local_government_association": "Association of Local Authorities",
    "academic": "University School of Public Policy",
    "public_sector": "Institute of Public Administration",
    "ngo": "Civic Development Foundation",
    "private": "Urban Solutions Co.",
    "government": "Regional Development Agency",
    "multilateral": "Regional Office for Local Governance",
    "other": "Friendship Society",
}

CURRENCY_OF = {"JP": "JPY", "KR": "KRW", "SG": "SGD", "NL": "EUR", "DE": "EUR", "FR": "EUR"}
# currency: (IDR per unit at 2018-01, 2021-01, 2024-01, 2027-12)
RATE_ANCHORS = {
    "USD": (13400.0, 14100.0, 15500.0, 16600.0),
    "JPY": (119.0, 136.0, 107.0, 110.0),
    "SGD": (10100.0, 10600.0, 11700.0, 12600.0),
    "KRW": (12.6, 12.9, 11.9, 11.6),
    "EUR": (16100.0, 17200.0, 17000.0, 18300.0),
}
RATE_SOURCE = {
    "USD": "Bank Indonesia JISDOR (demo)",
}
DEFAULT_RATE_SOURCE = "Bank Indonesia kurs transaksi tengah (demo)"
UNRATED_CURRENCY = "CHF"  # no fx_rates rows: its lines stay unconverted

TOPICS = (
    "smart city governance", "disaster risk reduction", "public service innovation",
    "regional economic development", "waste management", "civil service leadership",
    "digital government", "tourism promotion", "urban transport planning",
    "village fund management", "climate adaptation", "local revenue administration",
    "public health services", "water supply management", "e-procurement",
    "spatial planning", "sister city cooperation", "investment promotion",
)
KIND_TITLE = {
    "seminar": "Seminar", "study_visit": "Study visit", "specialist_dispatch":
    "Specialist dispatch", "webinar": "Webinar", "training": "Training",
    "meeting": "Bilateral meeting", "exchange": "Staff exchange", "other": "Joint activity",
}
KIND_P = (0.15, 0.18, 0.06, 0.14, 0.2, 0.12, 0.08, 0.07)
KIND_DAYS = {  # (min, max) duration in days
    "seminar": (0, 2), "study_visit": (4, 10), "specialist_dispatch": (30, 180),
    "webinar": (0, 0), "training": (5, 14), "meeting": (0, 1), "exchange": (14, 90),
    "other": (1, 5),
}
INSTRUMENT_TITLE = {
    "loi": "Letter of Intent", "mou": "Memorandum of Understanding",
    "implementing_arrangement": "Implementing Arrangement",
    "exchange_of_letters": "Exchange of Letters", "other": "Record of Discussion",
}

# given female, given male, family; family_first for name order
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]] = {
    "ID": (
        ("Siti", "Dewi", "Ayu", "Rina", "Sri", "Nur", "Fitri", "Indah", "Wulan", "Ratna",
         "Lestari", "Putri", "Yuliana", "Kartika", "Intan", "Mega", "Ani", "Dian"),
        ("Budi", "Agus", "Joko", "Ahmad", "Eko", "Hendra", "Rudi", "Bambang", "Dedi",
         "Andi", "Yusuf", "Rizal", "Fajar", "Hadi", "Teguh", "Irwan", "Made", "Wayan"),
        ("Santoso", "Wijaya", "Saputra", "Hidayat", "Setiawan", "Rahmawati", "Pratama",
         "Kurniawan", "Susanto", "Nasution", "Siregar", "Harahap", "Lubis", "Simanjuntak",
         "Wibowo", "Gunawan", "Hakim", "Syahputra", "Rahman", "Sulistyo", "Purnomo",
         "Utami", "Handayani", "Permana", "Suryadi", "Tambunan", "Pangaribuan"),
        False),
    "JP": (("Yuki", "Aiko", "Haruka", "Naoko", "Emi", "Sakura", "Keiko", "Mai"),
           ("Hiroshi", "Takashi", "Kenji", "Daisuke", "Satoshi", "Kazuki", "Ryo", "Taro"),
           ("Tanaka", "Suzuki", "Sato", "Takahashi", "Watanabe", "Ito", "Yamamoto",
            "Nakamura", "Kobayashi", "Kato"), False),
    "KR": (("Ji-woo", "Seo-yeon", "Min-ji", "Hye-jin", "Soo-ah"),
           ("Min-jun", "Ji-ho", "Hyun-woo", "Dong-hyun", "Sung-min"),
           ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon"), True),
    "CN": (("Li Na", "Wang Fang", "Xiu Ying", "Mei", "Jing"),
           ("Wei", "Jun", "Hao", "Lei", "Qiang", "Ming"),
           ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao"), True),
    "SG": (("Mei Ling", "Siti Aisyah", "Priya", "Hui Min", "Nurul"),
           ("Wei Jie", "Muhammad Faizal", "Ravi", "Jun Hao", "Kelvin"),
           ("Tan", "Lim", "Ng", "Rahman", "Kumar", "Goh", "Ong", "Pillai"), False),
    "MY": (("Nur Aisyah", "Farah", "Siti Hajar", "Mei Yee", "Kavitha"),
           ("Ahmad Faiz", "Hafiz", "Azman", "Chee Keong", "Suresh"),
           ("bin Abdullah", "binti Ismail", "bin Hassan", "Wong", "Lee", "Subramaniam"),
           False),
    "TH": (("Siriporn", "Nattaya", "Kanya", "Pimchanok"),
           ("Somchai", "Anan", "Thanakorn", "Prasert"),
           ("Srisuk", "Wongsawat", "Chaiyaporn", "Rattanakul", "Boonmee"), False),
    "FR": (("Camille", "Claire", "Sophie", "Élodie"), ("Julien", "Nicolas", "Thomas", "Luc"),
           ("Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Lefèvre"), False),
    "DE": (("Anna", "Katrin", "Julia", "Sabine"), ("Lukas", "Jonas", "Stefan", "Markus"),
           ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker"), False),
    "NL": (("Sanne", "Anouk", "Femke", "Lotte"), ("Daan", "Bram", "Joost", "Pieter"),
           ("de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser"), False),
    "XX": (("Emily", "Sarah", "Jessica", "Olivia", "Grace", "Maria", "Ana"),
           ("James", "Michael", "Daniel", "David", "Jose", "Tom", "Liam"),
           ("Smith", "Brown", "Wilson", "Taylor", "Johnson", "Nguyen", "Santos", "Reyes",
            "Walker", "Clarke"), False),
}

POSITIONS_HOME = (  # central, province, kota, kabupaten
    ("Kepala Pusat", "Kepala Bidang", "Widyaiswara", "Analis Kebijakan", "Analis Kerja Sama",
     "Perencana", "Pranata Humas"),
    ("Wakil Gubernur", "Sekretaris Daerah", "Kepala Dinas", "Kepala Bappeda",
     "Kepala Biro Pemerintahan", "Kepala Bagian Kerja Sama", "Analis Kebijakan", "Staf"),
    ("Wali Kota", "Wakil Wali Kota", "Sekretaris Daerah", "Kepala Dinas", "Kepala Bappeda",
     "Camat", "Lurah", "Analis Kebijakan", "Staf"),
    ("Bupati", "Wakil Bupati", "Sekretaris Daerah", "Kepala Dinas", "Kepala Bappeda",
     "Camat", "Kepala Desa", "Analis Kebijakan", "Staf"),
)
CENTRAL_ORGS = ("BPSDM Kemendagri", "Ditjen Bina Pembangunan Daerah",
                "Ditjen Otonomi Daerah", "Pusat Fasilitasi Kerja Sama Kemendagri")
POSITIONS_PARTNER = ("Director", "Deputy Director", "Mayor", "Vice Governor",
                     "Programme Officer", "Senior Researcher", "Section Chief", "Professor",
                     "Counsellor", "Specialist", "Coordinator")

ACTION_AGREEMENT = ("Send reply letter", "Prepare draft text", "Request legal review",
                    "Schedule coordination meeting", "Obtain signatory approval",
                    "Report to Secretary General")
ACTION_PROGRAM = ("Confirm participant list", "Arrange visas", "Submit post-activity report",
                  "Book venue", "Send invitation letters", "Reconcile expenses")
OWNERS = ("Bagian Kerja Sama", "Pusat Pengembangan Kompetensi", "Sekretariat BPSDM",
          "Bagian Keuangan", "Bagian Hukum", "Partner focal point")


# --- vector helpers ------------------------------------------------------------------


def _obj(values) -> np.ndarray:
    """An object array of Python strings (fast take / concatenate)."""
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def _ids(prefix: str, n: int) -> np.ndarray:
    width = max(4, len(str(n)))
    nums = np.strings.zfill(np.arange(1, n + 1).astype(str), width)
    return np.strings.add(f"{DEMO_PREFIX}{prefix}-", nums).astype(object)


def _iso(today: np.datetime64, offsets: np.ndarray) -> np.ndarray:
    """Day offsets from today (float, NaN = missing) -> ISO text, '' when missing."""
    offsets = np.asarray(offsets, dtype=float)
    missing = np.isnan(offsets)
    days = today + np.where(missing, 0, offsets).astype("int64").astype("timedelta64[D]")
    text = np.datetime_as_string(days, unit="D").astype(object)
    text[missing] = ""
    return text


def _pick(rng: np.random.Generator, choices, n: int, p=None) -> np.ndarray:
    return _obj(choices)[rng.choice(len(choices), size=n, p=p)]


def _pick_grouped(rng: np.random.Generator, group: np.ndarray, pools) -> np.ndarray:
    """For each row, a random item of pools[group[row]] (pools: list of sequences)."""
    sizes = np.array([len(p) for p in pools])
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    flat = _obj([x for p in pools for x in p])
    idx = starts[group] + (rng.random(len(group)) * sizes[group]).astype(np.int64)
    return flat[idx]


def _row_choice(rng: np.random.Generator, probs: np.ndarray, cls: np.ndarray) -> np.ndarray:
    """Index of an outcome per row, drawn with the probability row probs[cls[row]]."""
    cum = np.cumsum(probs, axis=1)[cls]
    return (rng.random(len(cls))[:, None] > cum).sum(axis=1).clip(0, probs.shape[1] - 1)


def _amount_text(cents: np.ndarray) -> np.ndarray:
    cents = cents.astype(np.int64)
    whole = (cents // 100).astype(str)
    frac = np.strings.zfill((cents % 100).astype(str), 2)
    return np.strings.add(np.strings.add(whole, "."), frac).astype(object)


def _own_records(n: int, *columns: str) -> dict[str, np.ndarray]:
    """Where a record came from: empty, our own records (not a partner's IATI file)."""
    return {c: np.full(n, "", dtype=object) for c in columns}


def _frame(table: str, cols: dict[str, np.ndarray]) -> pd.DataFrame:
    names = TABLES[table].column_names
    assert set(cols) == set(names), (table, set(cols) ^ set(names))
    return pd.DataFrame({c: cols[c] for c in names}, dtype=object)


@dataclass
class _Ctx:
    rng: np.random.Generator
    today: np.datetime64
    n_participants: int


# --- tables --------------------------------------------------------------------------


def _partners(ctx: _Ctx, n_programs: int) -> pd.DataFrame:
    base = list(PARTNERS)
    extra = max(0, n_programs // 40 - len(base))
    countries = [c for c in CITIES if c != "ID"]
    org_types = CODES["org_type"]
    for i in range(min(extra, 2000)):
        country = countries[i % len(countries)]
        city = CITIES[country][(i // len(countries)) % len(CITIES[country])]
        org = org_types[(i * 7 + i // 13) % len(org_types)]
        name = f"{city.removesuffix(' City')} {EXTRA_SUFFIX[org]}"
        base.append((name, country, city, org))
    rows = np.array(base, dtype=object)
    return _frame("partners", {
        "partner_id": _ids("pa", len(base)), "name": rows[:, 0], "country": rows[:, 1],
        "office_city": rows[:, 2], "org_type": rows[:, 3]})


STAGE_P = (0.10, 0.07, 0.05, 0.06, 0.40, 0.10, 0.16, 0.06)


def _agreement_dates(ctx: _Ctx, stage: np.ndarray) -> dict[str, np.ndarray]:
    rng, n = ctx.rng, len(stage)
    nan = np.full(n, np.nan)
    dur = rng.choice([1095, 1826], size=n).astype(float)
    lag = rng.integers(0, 45, n)
    ends = nan.copy()
    starts = nan.copy()
    signed = nan.copy()
    m = stage == "signed"
    signed[m] = -rng.integers(5, 150, m.sum())
    starts[m] = signed[m] + rng.integers(0, 60, m.sum())
    ends[m] = starts[m] + dur[m]
    m = stage == "active"
    window = rng.choice([0, 1, 2], size=n, p=[0.2, 0.2, 0.6])  # <=90, <=180, later
    lo = np.choose(window, [5, 91, 181])
    hi = np.minimum(np.choose(window, [90, 180, 1060]), dur - 35)
    ends[m] = (lo + rng.random(n) * (hi - lo)).astype(int)[m]
    m = stage == "extended"
    ends[m] = rng.integers(30, 1000, m.sum())
    dur[m] += 730
    m = stage == "expired"
    ends[m] = -rng.integers(1, 1500, m.sum())
    m = stage == "terminated"
    ends[m] = -rng.integers(200, 1400, m.sum()) + dur[m]
    back = np.isin(stage, ["active", "extended", "expired", "terminated"])
    starts[back] = ends[back] - dur[back]
    signed[back] = starts[back] - lag[back]
    return {"signed": signed, "starts": starts, "ends": ends, "dur": dur}


def _agreements(ctx: _Ctx, partners: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    rng = ctx.rng
    n_pa = len(partners)
    per = rng.choice([0, 1, 1, 1, 2, 2, 3], size=n_pa)
    per[: min(n_pa, 12)] = np.maximum(per[: min(n_pa, 12)], 1)  # known partners have one
    pa_idx = np.repeat(np.arange(n_pa), per)
    n = len(pa_idx)
    stage = _obj(CODES["stage"])[rng.choice(8, size=n, p=STAGE_P)]
    stage[: min(n, 8)] = _obj(CODES["stage"])[: min(n, 8)]  # every stage present
    instrument = _pick(rng, CODES["instrument"], n, p=[0.12, 0.5, 0.2, 0.1, 0.08])
    d = _agreement_dates(ctx, stage)
    partner_name = partners["name"].to_numpy()[pa_idx]
    title = _obj([INSTRUMENT_TITLE[i] for i in instrument]) + " on " + _pick(
        rng, TOPICS, n) + " with " + partner_name
    has_signed = ~np.isnan(d["signed"])
    year = np.datetime_as_string(ctx.today + np.nan_to_num(d["signed"]).astype(
        "timedelta64[D]"), unit="Y").astype(object)
    reference = np.where(has_signed, "NK." + rng.integers(1, 400, n).astype(str).astype(
        object) + "/BPSDM/" + year, "")
    notes = np.where(rng.random(n) < 0.2, "Follow-up expected from the partner side.", "")
    frame = _frame("agreements", {
        "agreement_id": _ids("ag", n), "partner_id": partners["partner_id"].to_numpy()[pa_idx],
        "title": title, "instrument": instrument, "stage": stage,
        "signed_on": _iso(ctx.today, d["signed"]), "starts_on": _iso(ctx.today, d["starts"]),
        "ends_on": _iso(ctx.today, d["ends"]), "reference": reference, "notes": notes})
    return frame, {"pa_idx": pa_idx, **d}


def _milestone_rows(ctx: _Ctx, stage: np.ndarray, d: dict) -> dict[str, np.ndarray]:
    """The exchange before signing: letters, meetings, visits, reviews."""
    rng, n = ctx.rng, len(stage)
    pre = np.isin(stage, ["exploration", "drafting", "approval"])
    stalled = (stage == "exploration") & (rng.random(n) < 0.5)
    last = np.where(np.isnan(d["signed"]), -rng.integers(1, 59, n), d["signed"] - 3)
    last = np.where(stalled, -rng.integers(60, 300, n), last)
    first = last - rng.integers(30, 400, n)
    k = rng.integers(2, 6, n) + pre
    ag = np.repeat(np.arange(n), k)
    pos = np.arange(len(ag)) - np.repeat(np.cumsum(k) - k, k)
    frac = pos / np.maximum(np.repeat(k, k) - 1, 1)
    on = np.round(first[ag] + frac * (last - first)[ag])
    kind = _pick(rng, ("letter", "meeting", "meeting", "visit", "review", "other"), len(ag))
    kind[pos == 0] = "letter"
    return {"ag": ag, "on": on, "kind": kind}


def _milestone_events(ctx: _Ctx, stage: np.ndarray, d: dict) -> list[dict[str, np.ndarray]]:
    parts = [_milestone_rows(ctx, stage, d)]
    signed = np.flatnonzero(~np.isnan(d["signed"]))
    parts.append({"ag": signed, "on": d["signed"][signed],
                  "kind": np.full(len(signed), "signing", dtype=object)})
    ext = np.flatnonzero(stage == "extended")
    parts.append({"ag": ext, "on": d["starts"][ext] + d["dur"][ext] - 730 - 60,
                  "kind": np.full(len(ext), "extension", dtype=object)})
    term = np.flatnonzero(stage == "terminated")
    parts.append({"ag": term, "on": -ctx.rng.integers(10, 150, len(term)).astype(float),
                  "kind": np.full(len(term), "other", dtype=object)})
    return parts


MILESTONE_TITLE = {
    "letter": "Letter exchanged on next steps", "meeting": "Coordination meeting",
    "visit": "Courtesy visit", "review": "Joint review", "other": "Notice of termination",
    "signing": "Signing ceremony", "extension": "Extension agreed",
}
CHANNEL_OF = {"letter": "document", "signing": "in_person", "visit": "in_person",
              "extension": "document", "other": "document"}


def _milestones(ctx: _Ctx, agreements: pd.DataFrame, d: dict) -> pd.DataFrame:
    rng = ctx.rng
    parts = _milestone_events(ctx, agreements["stage"].to_numpy(), d)
    ag = np.concatenate([p["ag"] for p in parts])
    on = np.concatenate([p["on"] for p in parts])
    kind = np.concatenate([p["kind"] for p in parts])
    order = np.lexsort((on, ag))
    ag, on, kind = ag[order], np.minimum(on[order], 0), kind[order]
    n = len(ag)
    meet = _pick(rng, ("online", "in_person", "hybrid", ""), n, p=[0.4, 0.35, 0.15, 0.1])
    channel = np.array([CHANNEL_OF.get(k, "") for k in kind], dtype=object)
    channel = np.where(channel == "", meet, channel)
    year = np.datetime_as_string(ctx.today + on.astype("timedelta64[D]"), unit="Y")
    ref = np.where(kind == "letter", "B/" + rng.integers(100, 9999, n).astype(str).astype(
        object) + "/BPSDM/" + year.astype(object), "")
    return _frame("milestones", {
        "milestone_id": _ids("ms", n), "agreement_id": agreements["agreement_id"].to_numpy()[ag],
        "occurred_on": _iso(ctx.today, on), "kind": kind,
        "title": np.array([MILESTONE_TITLE[k] for k in kind], dtype=object),
        "channel": channel, "reference": ref})


# status probabilities per timing class:
# 0 past, 1 running, 2 within 60 days, 3 later, 4 undated
PROGRAM_STATUS_P = np.array([
    # proposed planned confirmed ongoing completed postponed cancelled
    [0.00, 0.03, 0.00, 0.00, 0.85, 0.04, 0.08],
    [0.00, 0.05, 0.00, 0.90, 0.00, 0.05, 0.00],
    [0.05, 0.30, 0.55, 0.00, 0.00, 0.05, 0.05],
    [0.35, 0.45, 0.15, 0.00, 0.00, 0.03, 0.02],
    [0.80, 0.00, 0.00, 0.00, 0.00, 0.10, 0.10],
])


def _program_dates(ctx: _Ctx, kind: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = ctx.rng
    lo = (np.datetime64("2019-01-07") - ctx.today).astype(int)
    hi = (np.datetime64("2027-12-15") - ctx.today).astype(int)
    starts = rng.integers(lo, hi, n).astype(float)
    dmin = np.array([KIND_DAYS[k][0] for k in kind])
    dmax = np.array([KIND_DAYS[k][1] for k in kind])
    ends = starts + dmin + (rng.random(n) * (dmax - dmin + 1)).astype(int)
    undated = rng.random(n) < 0.03
    undated[n // 2] = True  # at least one undated program
    starts[undated] = np.nan
    ends[undated] = np.nan
    return starts, ends


def _program_status(ctx: _Ctx, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    cls = np.select([np.isnan(starts), ends < 0, starts <= 0, starts <= 60], [4, 0, 1, 2], 3)
    idx = _row_choice(ctx.rng, PROGRAM_STATUS_P, cls)
    return _obj(CODES["program_status"])[idx]


def _program_place(ctx: _Ctx, kind: np.ndarray, country: np.ndarray) -> dict[str, np.ndarray]:
    rng, n = ctx.rng, len(kind)
    mode = _pick(rng, ("in_person", "hybrid", "online", ""), n, p=[0.68, 0.2, 0.09, 0.03])
    mode[kind == "webinar"] = "online"
    where = rng.choice(3, size=n, p=[0.45, 0.5, 0.05])  # home, partner's country, third
    host = np.where(where == 0, "ID", country)
    host = np.where(where == 2, _pick(rng, ("SG", "TH", "MY", "JP"), n), host)
    host = np.where(mode == "online", "", host)
    groups = list(CITIES)
    gidx = np.array([groups.index(h) if h in CITIES else 0 for h in host])
    city = _pick_grouped(rng, gidx, [CITIES[g] for g in groups])
    city = np.where(host == "", "", city)
    return {"mode": mode, "host_country": host, "host_city": city}


def _programs(ctx: _Ctx, n: int, partners: pd.DataFrame, agreements: pd.DataFrame,
              ag_info: dict) -> pd.DataFrame:
    rng = ctx.rng
    n_pa = len(partners)
    weight = np.where(np.arange(n_pa) < len(PARTNERS), 3.0, 1.0)
    pa = rng.choice(n_pa, size=n, p=weight / weight.sum())
    pa[: min(n, n_pa)] = np.arange(min(n, n_pa))  # every partner has a program
    kind = _obj(CODES["program_kind"])[rng.choice(8, size=n, p=KIND_P)]
    kind[: min(n, 8)] = _obj(CODES["program_kind"])[: min(n, 8)]
    starts, ends = _program_dates(ctx, kind, n)
    status = _program_status(ctx, starts, ends)
    place = _program_place(ctx, kind, partners["country"].to_numpy()[pa])
    # an agreement of the same partner, for about 70% of the programs that can have one
    ag_pa = ag_info["pa_idx"]
    count = np.bincount(ag_pa, minlength=n_pa)
    first = np.concatenate(([0], np.cumsum(count)[:-1]))
    pick = first[pa] + (rng.random(n) * count[pa]).astype(int)
    has = (count[pa] > 0) & (rng.random(n) < 0.7)
    ag_ids = agreements["agreement_id"].to_numpy()
    agreement = np.where(has, ag_ids[np.minimum(pick, len(ag_ids) - 1)], "")
    year = np.datetime_as_string(ctx.today + np.nan_to_num(starts).astype(
        "timedelta64[D]"), unit="Y").astype(object)
    title = _obj([KIND_TITLE[k] for k in kind]) + ": " + _pick(rng, TOPICS, n)
    title = np.where(np.isnan(starts), title, title + " " + year)
    return _frame("programs", {
        "program_id": _ids("pr", n), "partner_id": partners["partner_id"].to_numpy()[pa],
        "agreement_id": agreement, "title": title, "kind": kind, "status": status,
        **place, "starts_on": _iso(ctx.today, starts), "ends_on": _iso(ctx.today, ends),
        **_own_records(n, "origin", "origin_file", "origin_on")})


def _delegations(ctx: _Ctx, programs: pd.DataFrame) -> pd.DataFrame:
    rng, n = ctx.rng, len(programs)
    per = 1 + (rng.random(n) < 0.85) + (rng.random(n) < 0.05)
    prog = np.repeat(np.arange(n), per)
    pos = np.arange(len(prog)) - np.repeat(np.cumsum(per) - per, per)
    side = np.where(pos == 1, "partner", "home").astype(object)
    m = len(prog)
    seats = rng.integers(4, 18, m).astype(str).astype(object)
    seats[rng.random(m) < 0.05] = ""
    return _frame("delegations", {
        "delegation_id": _ids("de", m), "program_id": programs["program_id"].to_numpy()[prog],
        "side": side, "seats_planned": seats})


# participant status per program status:
# nominated confirmed attended withdrawn
PARTICIPANT_STATUS_P = {
    "proposed": (1.0, 0.0, 0.0, 0.0), "planned": (0.6, 0.35, 0.0, 0.05),
    "confirmed": (0.15, 0.8, 0.0, 0.05), "ongoing": (0.0, 0.25, 0.7, 0.05),
    "completed": (0.0, 0.02, 0.9, 0.08), "postponed": (0.5, 0.3, 0.0, 0.2),
    "cancelled": (0.3, 0.0, 0.0, 0.7),
}


def _participant_status(ctx: _Ctx, prog_status: np.ndarray, started: np.ndarray
                        ) -> np.ndarray:
    codes = CODES["program_status"]
    probs = np.array([PARTICIPANT_STATUS_P[c] for c in codes])
    cls = np.zeros(len(prog_status), dtype=np.int64)
    for i, c in enumerate(codes):
        cls[prog_status == c] = i
    idx = _row_choice(ctx.rng, probs, cls)
    idx[(idx == 2) & ~started] = 1  # attended only once the program has started
    return _obj(CODES["participant_status"])[idx]


def _names(ctx: _Ctx, gi: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Synthetic full names; gi is the index into NAMES of each person's country."""
    rng = ctx.rng
    groups = list(NAMES)
    given_f = _pick_grouped(rng, gi, [NAMES[k][0] for k in groups])
    given_m = _pick_grouped(rng, gi, [NAMES[k][1] for k in groups])
    family = _pick_grouped(rng, gi, [NAMES[k][2] for k in groups])
    given = np.where(female, given_f, given_m)
    fam_first = np.array([NAMES[k][3] for k in groups])[gi]
    full = np.where(fam_first, family + " " + given, given + " " + family)
    single = (gi == groups.index("ID")) & (rng.random(len(gi)) < 0.08)
    return np.where(single, given, full)


def _name_group(countries) -> np.ndarray:
    groups = list(NAMES)
    return np.array([groups.index(c) if c in NAMES else groups.index("XX") for c in countries],
                    dtype=np.int64)


def _home_places(ctx: _Ctx, n: int) -> dict[str, np.ndarray]:
    """Region code, organisation and position of home-side people."""
    rng = ctx.rng
    prov = provinces()
    reg = regencies_sample()
    level = rng.choice(3, size=n, p=[0.15, 0.5, 0.35])  # central, province, regency/city
    pi = rng.choice(len(prov), size=n, p=_province_weights(prov))
    ri = rng.integers(0, len(reg), n)
    prov_code, prov_name = prov["province_code"].to_numpy(), _obj(prov["name"])
    reg_code, reg_name = reg["region_code"].to_numpy(), _obj(reg["name"])
    is_kota = (reg["kind"].to_numpy() == "kota")[ri]
    region = np.select([level == 1, level == 2], [prov_code[pi], reg_code[ri]], "")
    org = np.select([level == 1, level == 2],
                    ["Pemerintah Provinsi " + prov_name[pi], "Pemerintah " + reg_name[ri]],
                    _pick(rng, CENTRAL_ORGS, n))
    pos_group = np.where(level == 2, np.where(is_kota, 2, 3), level)
    position = _pick_grouped(rng, pos_group, POSITIONS_HOME)
    return {"region_code": region.astype(object), "organisation": org.astype(object),
            "position": position}


def _province_weights(prov: pd.DataFrame) -> np.ndarray:
    big = {"31": 6, "32": 8, "33": 6, "35": 7, "34": 3, "36": 3, "51": 3, "12": 3, "73": 3}
    w = np.array([big.get(c, 1.0) for c in prov["province_code"]], dtype=float)
    return w / w.sum()


def _participant_counts(ctx: _Ctx, delegations: pd.DataFrame, programs: pd.DataFrame
                        ) -> np.ndarray:
    seats = pd.to_numeric(delegations["seats_planned"].replace("", "10")).to_numpy(float)
    prog_status = programs.set_index("program_id")["status"].reindex(
        delegations["program_id"]).to_numpy()
    weight = seats * np.where(prog_status == "proposed", 0.3, 1.0)
    return ctx.rng.multinomial(ctx.n_participants, weight / weight.sum())


def _participants(ctx: _Ctx, delegations: pd.DataFrame, programs: pd.DataFrame,
                  partners: pd.DataFrame) -> pd.DataFrame:
    rng = ctx.rng
    counts = _participant_counts(ctx, delegations, programs)
    de = np.repeat(np.arange(len(delegations)), counts)
    n = len(de)
    de_pr = pd.Index(programs["program_id"]).get_indexer(delegations["program_id"])
    pr_pa = pd.Index(partners["partner_id"]).get_indexer(programs["partner_id"])
    pr = de_pr[de]
    pa = pr_pa[pr]
    home = delegations["side"].to_numpy()[de] == "home"
    gender_i = rng.choice(3, size=n, p=[0.42, 0.55, 0.03])
    gi = np.where(home, list(NAMES).index("ID"), _name_group(partners["country"])[pa])
    places = _home_places(ctx, n)
    first_of = np.r_[True, de[1:] != de[:-1]]
    role = _pick(rng, CODES["role"], n, p=[0.0, 0.75, 0.08, 0.03, 0.06, 0.08])
    role[rng.random(n) < 0.03] = ""
    role[first_of] = "head"
    starts = programs["starts_on"].to_numpy()
    started = ((starts <= str(ctx.today)) & (starts != ""))[pr]
    return _frame("participants", {
        "participant_id": _ids("pt", n),
        "delegation_id": delegations["delegation_id"].to_numpy()[de],
        "full_name": _names(ctx, gi, gender_i == 0),
        "position": np.where(home, places["position"], _pick(rng, POSITIONS_PARTNER, n)),
        "organisation": np.where(home, places["organisation"],
                                 _obj(partners["name"])[pa]),
        "region_code": np.where(home, places["region_code"], ""),
        "gender": _obj(CODES["gender"])[gender_i], "role": role,
        "status": _participant_status(ctx, programs["status"].to_numpy()[pr], started)})


SOURCE_P = (0.3, 0.22, 0.22, 0.08, 0.13, 0.05)
FUNDING_STATUS_P = np.array([  # planned committed spent, by: past, future/undated
    [0.05, 0.15, 0.8], [0.6, 0.4, 0.0]])


def _funding_money(ctx: _Ctx, source: np.ndarray, partner_country: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    rng, n = ctx.rng, len(source)
    foreign = np.array([CURRENCY_OF.get(c, "USD") for c in partner_country], dtype=object)
    currency = np.where(np.isin(source, ["partner", "other"]) |
                        ((source == "co_funded") & (rng.random(n) < 0.5)), foreign, "IDR")
    currency[rng.random(n) < 0.01] = UNRATED_CURRENCY
    currency[: min(n, 2)] = UNRATED_CURRENCY  # always some unconvertible lines
    idr = np.exp(rng.uniform(np.log(5e6), np.log(2e9), n))
    approx = np.array([RATE_ANCHORS.get(c, (1,) * 4)[2] if c != "IDR" else 1.0
                       for c in currency])
    cents = np.where(currency == "IDR", np.round(idr / 1000) * 100000,
                     np.round(idr / approx) * 100)
    amount = _amount_text(cents)
    missing = rng.random(n) < 0.08
    amount[missing] = ""
    currency = np.where(missing & (rng.random(n) < 0.5), "", currency)
    return amount, currency


def _funding(ctx: _Ctx, programs: pd.DataFrame, delegations: pd.DataFrame,
             partners: pd.DataFrame) -> pd.DataFrame:
    rng = ctx.rng
    per = rng.choice([0, 1, 1, 2, 2, 3], size=len(programs))
    pr = np.repeat(np.arange(len(programs)), per)
    n = len(pr)
    source = _obj(CODES["source"])[rng.choice(6, size=n, p=SOURCE_P)]
    source[: min(n, 6)] = _obj(CODES["source"])[: min(n, 6)]
    pa = partners.set_index("partner_id").reindex(programs["partner_id"].to_numpy()[pr])
    amount, currency = _funding_money(ctx, source, pa["country"].to_numpy())
    starts = programs["starts_on"].to_numpy()[pr]
    dated = starts != ""
    start_days = (pd.to_datetime(pd.Series(np.where(dated, starts, "2000-01-01")))
                  .to_numpy().astype("datetime64[D]") - ctx.today).astype(float)
    rec = np.where(dated & (rng.random(n) < 0.7), start_days - rng.integers(0, 90, n), np.nan)
    rec = np.where(~dated & (rng.random(n) < 0.6), -rng.integers(0, 200, n), rec)
    first_de = delegations.drop_duplicates("program_id").set_index("program_id")
    de = first_de["delegation_id"].reindex(programs["program_id"].to_numpy()[pr]).fillna("")
    de = np.where(rng.random(n) < 0.25, de.to_numpy(), "")
    funder = np.select([source == "apbn", source == "apbd", source == "self_funded",
                        source == "co_funded"],
                       ["BPSDM Kemendagri", "Pemerintah Daerah", "Peserta", "BPSDM Kemendagri"
                        " & " + pa["name"].to_numpy()], pa["name"].to_numpy())
    past = (start_days < 0) & dated
    status = _obj(CODES["funding_status"])[_row_choice(rng, FUNDING_STATUS_P,
                                                        (~past).astype(int))]
    return _frame("funding", {
        "funding_id": _ids("fu", n), "program_id": programs["program_id"].to_numpy()[pr],
        "delegation_id": de.astype(object), "source": source, "funder": funder.astype(object),
        "amount": amount, "currency": currency.astype(object), "status": status,
        "recorded_on": _iso(ctx.today, rec), **_own_records(n, "origin")})


def _fx_rates(ctx: _Ctx) -> pd.DataFrame:
    months = np.arange(np.datetime64("2018-01"), np.datetime64("2028-01"))
    t = np.linspace(0, 1, len(months))
    knots = np.array([0.0, 0.3, 0.6, 1.0])
    frames = []
    for cur, anchors in RATE_ANCHORS.items():
        wiggle = 1 + 0.012 * np.sin(np.arange(len(months)) / 2.7) + ctx.rng.normal(
            0, 0.004, len(months))
        rate = np.interp(t, knots, anchors) * wiggle
        frames.append(pd.DataFrame({
            "currency": cur, "valid_from": np.datetime_as_string(
                months.astype("datetime64[D]"), unit="D").astype(object),
            "idr_per_unit": _amount_text(np.round(rate * 100)),
            "source": RATE_SOURCE.get(cur, DEFAULT_RATE_SOURCE)}, dtype=object))
    return _frame("fx_rates", {c: pd.concat(frames)[c].to_numpy()
                               for c in TABLES["fx_rates"].column_names})


def _actions(ctx: _Ctx, agreements: pd.DataFrame, programs: pd.DataFrame) -> pd.DataFrame:
    rng = ctx.rng
    n_ag = len(agreements)
    n = max(12, n_ag + len(programs) // 2)
    on_ag = rng.random(n) < 0.4
    ag = np.where(on_ag, agreements["agreement_id"].to_numpy()[rng.integers(0, n_ag, n)], "")
    pr = np.where(~on_ag, programs["program_id"].to_numpy()[
        rng.integers(0, len(programs), n)], "")
    opened = -rng.integers(1, 900, n).astype(float)
    opened[_in_meetings(ctx, n)] = _meeting_offsets(ctx, n)  # created in a weekly meeting
    status = _pick(rng, CODES["action_status"], n, p=[0.4, 0.45, 0.15])
    status[:3] = CODES["action_status"]
    is_open = status == "open"
    due = np.where(is_open, rng.integers(-60, 45, n), opened + rng.integers(7, 90, n))
    due = np.maximum(due, opened).astype(float)
    due[rng.random(n) < 0.08] = np.nan
    closed = np.where(is_open, np.nan, np.minimum(opened + rng.integers(1, 120, n), 0))
    title = np.where(on_ag, _pick(rng, ACTION_AGREEMENT, n), _pick(rng, ACTION_PROGRAM, n))
    opened_on = _iso(ctx.today, opened)
    return _frame("actions", {
        "action_id": _ids("ac", n), "agreement_id": ag.astype(object),
        "program_id": pr.astype(object), "title": title, "owner": _pick(rng, OWNERS, n),
        "opened_on": opened_on, "due_on": _iso(ctx.today, due),
        "status": status, "closed_on": _iso(ctx.today, closed),
        "meeting_week": _meeting_weeks(ctx, opened_on)})


MINUTES_WEEKS = 6  # demo minutes: the weekly meetings of the six weeks before this one


def _meeting_days(ctx: _Ctx) -> list[dt.date]:
    """The Mondays of the last MINUTES_WEEKS weeks before today's week, oldest first."""
    today = ctx.today.astype(dt.date)
    this_monday = today - dt.timedelta(days=today.weekday())
    return [this_monday - dt.timedelta(weeks=k) for k in range(MINUTES_WEEKS, 0, -1)]


def _week_label(day: dt.date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def _in_meetings(ctx: _Ctx, n: int) -> np.ndarray:
    """Which follow-ups the demo meetings created: every 7th, two per meeting at most."""
    return np.arange(0, n, 7)[: 2 * MINUTES_WEEKS]


def _meeting_offsets(ctx: _Ctx, n: int) -> np.ndarray:
    """Their opening day: the Monday of each demo meeting in turn (days from today)."""
    today = ctx.today.astype(dt.date)
    days = [(d - today).days for d in _meeting_days(ctx)]
    k = len(_in_meetings(ctx, n))
    return np.array([days[i % len(days)] for i in range(k)], dtype=float)


def _meeting_weeks(ctx: _Ctx, opened_on: np.ndarray) -> np.ndarray:
    """A follow-up opened on a demo meeting's Monday was created in that meeting."""
    weeks = {d.isoformat(): _week_label(d) for d in _meeting_days(ctx)}
    return np.array([weeks.get(o, "") for o in opened_on], dtype=object)


def _minutes(ctx: _Ctx) -> pd.DataFrame:
    """One record of minutes per demo meeting (no randomness: the other tables' draws
    stay as they were)."""
    days = _meeting_days(ctx)
    notes = [MINUTES_TEXT.format(week=_week_label(d), n=i + 1) for i, d in enumerate(days)]
    return _frame("minutes", {
        "meeting_week": np.array([_week_label(d) for d in days], dtype=object),
        "notes": np.array(notes, dtype=object),
        "recorded_by": np.array(["Sekretariat BPSDM"] * len(days), dtype=object),
        "recorded_on": np.array([d.isoformat() for d in days], dtype=object)})


MINUTES_TEXT = """## Weekly review {week}

Demo minutes no. {n}.

- Reviewed the programs starting in the next 30 days and their confirmed participants.
- **Decision:** follow up the agreements with no milestone for 60 days.
- Follow-ups created in this meeting are listed on the next meeting's page.
"""


# --- public --------------------------------------------------------------------------


def generate(participants: int = 5000, seed: int = 7, today: dt.date | None = None
             ) -> dict[str, pd.DataFrame]:
    """Synthetic demo data: {table: DataFrame of text cells}, in TABLE_ORDER.

    About 20 participants per program (two delegations of about ten), so the default
    5,000 participants give about 250 programs. Deterministic for a given seed and today.
    """
    today = today or dt.date.today()
    ctx = _Ctx(np.random.default_rng(seed), np.datetime64(today, "D"), participants)
    n_programs = max(12, round(participants / 20))
    partners = _partners(ctx, n_programs)
    agreements, ag_info = _agreements(ctx, partners)
    programs = _programs(ctx, n_programs, partners, agreements, ag_info)
    delegations = _delegations(ctx, programs)
    frames = {
        "partners": partners, "agreements": agreements,
        "milestones": _milestones(ctx, agreements, ag_info), "programs": programs,
        "delegations": delegations,
        "participants": _participants(ctx, delegations, programs, partners),
        "funding": _funding(ctx, programs, delegations, partners),
        "fx_rates": _fx_rates(ctx), "actions": _actions(ctx, agreements, programs),
        "minutes": _minutes(ctx),
    }
    frames["recipients"] = _frame("recipients", {  # ours: partners' IATI files have them
        c: np.full(0, "", dtype=object) for c in TABLES["recipients"].column_names})
    return {t: frames[t] for t in TABLE_ORDER}


def write(frames: dict[str, pd.DataFrame], out_path: Path | str) -> Path:
    """Write a folder of `<table>.csv`, or a workbook when out_path ends in `.xlsx`."""
    out = Path(out_path)
    if out.suffix.lower() == ".xlsx":
        _write_xlsx(frames, out)
    else:
        out.mkdir(parents=True, exist_ok=True)
        for table, df in frames.items():
            df.to_csv(out / f"{table}.csv", index=False, encoding="utf-8", lineterminator="\n")
    return out


def _write_xlsx(frames: dict[str, pd.DataFrame], out: Path) -> None:
    import xlsxwriter

    out.parent.mkdir(parents=True, exist_ok=True)
    options = {"constant_memory": True, "strings_to_numbers": False,
               "strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(str(out), options) as wb:
        for table, df in frames.items():
            ws = wb.add_worksheet(table)
            write = ws.write_string
            for c, name in enumerate(df.columns):
                write(0, c, name)
            for r, row in enumerate(df.itertuples(index=False, name=None), start=1):
                for c, value in enumerate(row):
                    if value:
                        write(r, c, value)


_CAST = {"date": "date", "integer": "integer", "amount": "decimal(18, 2)"}


def _select_list(table: str) -> str:
    parts = []
    for col in TABLES[table].columns:
        expr = f"nullif(trim(\"{col.name}\"), '')"
        if col.kind in _CAST:
            expr = f"{expr}::{_CAST[col.kind]}"
        if col.default is not None:
            expr = f"coalesce({expr}, '{col.default}')"
        parts.append(f"{expr} as \"{col.name}\"")
    return ", ".join(parts)


def load_into(con, frames: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Insert text frames into a migrated store, casting in SQL (empty -> NULL).

    A quick, UNVALIDATED path for tests and benchmarks on trusted generated data. The
    real way in is the importer (`coopdash.workbook.importer.import_frames`), which checks every
    rule of the contract and records the import. Returns {table: rows inserted}.
    """
    counts = {}
    for table in TABLE_ORDER:
        if table not in frames:
            continue
        df = frames[table]
        cols = ", ".join(f'"{c}"' for c in TABLES[table].column_names)
        con.register("_demo_src", df)
        try:
            con.execute(f"insert into {table} ({cols}) select {_select_list(table)} "
                        "from _demo_src")
        finally:
            con.unregister("_demo_src")
        counts[table] = len(df)
    return counts
