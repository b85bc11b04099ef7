"""IATI activity files made by our own code, to the IATI 2.03 activity schema (issue 21).

Shaped like real publishers' files (learnt from the public test fixtures of IATI tools,
which are not committed: their licence does not allow it): several narratives per
element with upper-case `xml:lang`, a `default-currency` with a trailing space, a
negative transaction (a correction), budgets and transaction types we do not load,
multi-country activities with percentages. Used by tests/unit/test_iati.py and by the
benchmark (benchmarks/iati.py writes a 50 MB file with `write_big`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

JICA = "XM-DAC-701-8"
GIZ = "DE-1"


@dataclass
class Tx:
    kind: str  # TransactionType code: 2 commitment, 3 disbursement, 4 expenditure, 1, 11…
    value: str
    on: str = "2024-04-01"
    currency: str | None = None  # None: the activity's default-currency
    provider: str | None = None


@dataclass
class Activity:
    ident: str
    titles: dict[str, str]  # xml:lang (as written) -> text; "" = no xml:lang
    status: str = "2"
    dates: dict[str, str] = field(default_factory=lambda: {"1": "2024-01-15",
                                                           "3": "2025-12-31"})
    recipients: dict[str, str] = field(default_factory=lambda: {"ID": "100"})
    transactions: list[Tx] = field(default_factory=list)
    currency: str = "JPY "  # as real files write it, trailing space and all
    lang: str | None = "EN"
    location_country: str | None = None
    publisher: str = JICA
    publisher_names: dict[str, str] = field(default_factory=lambda: {
        "EN": "Japan International Cooperation Agency", "JA": "独立行政法人国際協力機構"})
    publisher_type: str = "10"


def _narratives(texts: dict[str, str]) -> str:
    return "".join(f"<narrative{f' xml:lang={quoteattr(lang)}' if lang else ''}>"
                   f"{escape(text)}</narrative>" for lang, text in texts.items())


def _transaction(t: Tx) -> str:
    cur = f" currency={quoteattr(t.currency)}" if t.currency else ""
    provider = (f"<provider-org ref={quoteattr(t.provider)}><narrative>{escape(t.provider)}"
                "</narrative></provider-org>" if t.provider else "")
    return (f'<transaction><transaction-type code="{t.kind}"/>'
            f'<transaction-date iso-date="{t.on}"/>'
            f'<value{cur} value-date="{t.on}">{t.value}</value>{provider}'
            '<flow-type code="10"/></transaction>')


def activity_xml(a: Activity) -> str:
    lang = f" xml:lang={quoteattr(a.lang)}" if a.lang else ""
    out = [f'<iati-activity last-updated-datetime="2024-06-30T09:00:00Z"{lang} '
           f'default-currency={quoteattr(a.currency)} hierarchy="1">',
           f"<iati-identifier>{escape(a.ident)}</iati-identifier>",
           f'<reporting-org ref={quoteattr(a.publisher)} type="{a.publisher_type}">'
           f"{_narratives(a.publisher_names)}</reporting-org>",
           f"<title>{_narratives(a.titles)}</title>",
           '<description type="1"><narrative>Capacity building.</narrative></description>',
           f'<participating-org ref={quoteattr(a.publisher)} role="1" type="10"/>',
           f'<activity-status code="{a.status}"/>']
    out += [f'<activity-date iso-date="{d}" type="{k}"/>' for k, d in a.dates.items()]
    out += [f'<recipient-country code="{c}" percentage="{p}"/>'
            for c, p in a.recipients.items()]
    if a.location_country:
        out.append(f'<location><administrative vocabulary="A4" code="{a.location_country}"/>'
                   "</location>")
    out.append('<sector code="15110" vocabulary="1" percentage="100"/>')
    out.append('<budget type="1" status="1"><period-start iso-date="2024-04-01"/>'
               '<period-end iso-date="2025-03-31"/><value value-date="2024-04-01">'
               "5000000</value></budget>")
    out += [_transaction(t) for t in a.transactions]
    out.append("</iati-activity>")
    return "".join(out)


def file_xml(activities: list[Activity], version: str = "2.03",
             generated: str = "2024-07-01T00:00:00Z", prolog: str = "") -> str:
    body = "\n".join(activity_xml(a) for a in activities)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}'
            f'<iati-activities version="{version}" generated-datetime="{generated}">\n'
            f"{body}\n</iati-activities>\n")


def write(path: Path, activities: list[Activity], **kw) -> Path:
    path.write_text(file_xml(activities, **kw), encoding="utf-8")
    return path


# --- the standard small file of the tests ----------------------------------------------------

def jica_activities() -> list[Activity]:
    """Three JICA activities: one for Indonesia with an Indonesian title, a commitment,
    two disbursements and a correction; one for Indonesia and Timor-Leste; one for
    the Philippines only."""
    return [
        Activity("XM-DAC-701-8-ID-1001", {"EN": "Local Government Training",
                                          "ID": "Pelatihan Pemerintah Daerah"},
                 transactions=[Tx("2", "1000000"), Tx("3", "400000", "2024-06-01"),
                               Tx("3", "650000", "2024-09-01"),
                               Tx("3", "-50000", "2024-10-01"),
                               Tx("1", "999", "2024-03-01"), Tx("11", "5")]),
        Activity("XM-DAC-701-8-ID-1002", {"FR": "Étude", "EN": "Study Visit on Disaster "
                                          "Risk Reduction"},
                 status="4", dates={"1": "2023-05-01", "2": "2023-05-22",
                                    "3": "2023-06-30", "4": "2023-06-02"},
                 recipients={"ID": "60", "TL": "40"}, location_country="JP",
                 transactions=[Tx("4", "250000.456", "2023-06-02", currency="USD")]),
        Activity("XM-DAC-701-8-PH-2001", {"JA": "フィリピン研修"}, lang="JA",
                 recipients={"PH": "100"}, transactions=[Tx("2", "300000")]),
    ]


# --- a big file for the benchmark ----------------------------------------------------------

def write_big(path: Path, megabytes: int, seed: int = 7) -> int:
    """A publisher's file of about `megabytes` MB; returns the number of activities."""
    rng = random.Random(seed)
    target = megabytes << 20
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03" '
                 'generated-datetime="2024-07-01T00:00:00Z">\n')
        while fh.tell() < target:
            n += 1
            country = rng.choice(["ID", "PH", "VN", "TL", "KH", "LA"])
            txs = [Tx("2", str(rng.randrange(10**5, 10**8)))] + [
                Tx(rng.choice("34"), str(rng.randrange(10**3, 10**6)),
                   f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}")
                for _ in range(rng.randrange(2, 30))]
            fh.write(activity_xml(Activity(
                f"XM-DAC-701-8-{country}-{n:07d}",
                {"EN": f"Cooperation activity {n}", "JA": f"協力活動 {n}"},
                recipients={country: "100"}, transactions=txs)) + "\n")
        fh.write("</iati-activities>\n")
    return n
