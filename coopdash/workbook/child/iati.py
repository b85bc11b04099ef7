"""Read a partner's IATI activity file (versions 2.01-2.03) into the workbook's tables.

Runs only inside the reading child (`coopdash.workbook.child`: memory, time and size
limits), like every workbook. The file is streamed (`lxml.etree.iterparse`, one
`iati-activity` in memory at a time), never expanded: no DTD is loaded, no entity is
resolved, nothing is fetched from the network, and a file that declares a DOCTYPE (where
entities are declared) is refused before anything is read.

What comes out are the contract's own tables, as text (the validator checks them like a
workbook's cells, and the importer writes them with the same report, history and undo):

- each `iati-activity` -> one row of `programs` (`program_id` = its `iati-identifier`,
  exactly; kind `other`; status from the ActivityStatus codelist; dates: actual before
  planned; `host_country` only from a `location` that names a country; origin = the
  publisher, the file and the day the file was generated);
- its `recipient-country` elements -> `recipients` (who benefits, with percentages);
- the reporting organisation -> one row of `partners` (country from the identifier's
  prefix: `DE-1` -> DE, `XM-DAC-701-8` -> JP through the DAC donor codes); one whose
  country cannot be read so (a multilateral, `XM-DAC-41114`) must already be a partner:
  the report says so (`notes`) and the validator refuses its programs otherwise;
- its transactions of types 2 (outgoing commitment) -> `funding` `committed`, 3 and 4
  (disbursement, expenditure) -> `spent`, amount signed as published; other types are
  counted by type in `notes`, not loaded.

Titles and names by language: Indonesian, else English, else the activity's `xml:lang`,
else the first narrative (codes compared case-insensitively: files write `EN`).
The mapping is written for people in docs/workbook.md.
"""

from __future__ import annotations

import csv
import functools
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path

from coopdash.workbook.child.container import Found, Refused

# data/reference/iati (the child imports nothing of coopdash but the contract and cells)
CODELISTS = Path(__file__).resolve().parents[3] / "data" / "reference" / "iati"
VERSIONS = ("2.01", "2.02", "2.03")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGS = ("id", "en")  # our languages, in the order a title is chosen
PROLOG_BYTES = 1 << 20  # the XML declaration, comments and the root's start tag fit in it

# IATI code -> our code (every IATI code here is checked against the shipped codelist)
STATUS = {"1": "proposed", "2": "ongoing", "3": "completed", "4": "completed",
          "5": "cancelled", "6": "postponed"}
FUNDING_STATUS = {"2": "committed", "3": "spent", "4": "spent"}
ORG_TYPE = {"10": "government", "11": "local_government", "15": "public_sector",
            "21": "ngo", "22": "ngo", "23": "ngo", "24": "ngo", "30": "private",
            "40": "multilateral", "60": "other", "70": "private", "71": "private",
            "72": "private", "73": "private", "80": "academic", "90": "other"}
DATE_TYPES = {"starts_on": ("2", "1"), "ends_on": ("4", "3")}  # actual, then planned

PROGRAM_COLUMNS = ("program_id", "partner_id", "title", "kind", "status", "host_country",
                   "starts_on", "ends_on", "origin", "origin_file", "origin_on")
FUNDING_COLUMNS = ("funding_id", "program_id", "source", "funder", "amount", "currency",
                   "status", "recorded_on", "origin")
PARTNER_COLUMNS = ("partner_id", "name", "country", "org_type")
RECIPIENT_COLUMNS = ("program_id", "country", "percentage")


# --- the codelists ---------------------------------------------------------------------------

@functools.cache
def codelist(name: str) -> frozenset[str]:
    """The codes of one shipped IATI codelist (`data/reference/iati/<name>.xml`)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.parse(str(CODELISTS / f"{name}.xml"), parser).getroot()
    return frozenset(c.text.strip() for c in root.iter("code") if c.text)


@functools.cache
def dac_donors() -> dict[str, str]:
    """DAC donor code -> ISO country (`dac_donors.csv`, see the folder's README)."""
    with (CODELISTS / "dac_donors.csv").open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row["country"] for row in csv.DictReader(fh)}


def publisher_country(ref: str) -> str | None:
    """The country of an organisation identifier: its prefix when that is a country
    (`DE-1`, `GB-GOV-1`), the DAC donor's country for `XM-DAC-<donor>-…`; else None."""
    parts = ref.strip().upper().split("-")
    if len(parts) >= 3 and parts[:2] == ["XM", "DAC"]:
        return dac_donors().get(parts[2])
    if len(parts) >= 2 and parts[0] in codelist("Country") and not parts[0].startswith("X"):
        return parts[0]
    return None


# --- what was read ---------------------------------------------------------------------------

@dataclass
class IatiRead:
    """The rows of each table (lists of text) and what the report says besides problems."""

    rows: dict[str, list[list[str]]] = field(default_factory=lambda: {
        "partners": [], "programs": [], "recipients": [], "funding": []})
    found: list[Found] = field(default_factory=list)
    skipped_types: Counter = field(default_factory=Counter)  # transaction type -> count
    by_recipient: Counter = field(default_factory=Counter)  # country -> activities
    activities: int = 0  # in the file (before the recipient filter)
    publishers: dict = field(default_factory=dict)  # organisation identifier -> name
    identifiers: list = field(default_factory=list)  # every activity in the file
    unknown_country: list = field(default_factory=list)  # publishers not made partners
    lines: dict = field(default_factory=lambda: {  # per table: the XML line of each row
        "partners": [], "programs": [], "recipients": [], "funding": []})

    def add(self, table: str, el, row: list[str]) -> None:
        """One row of `table`, made from the element `el` (its line is kept)."""
        self.rows[table].append(row)
        self.lines[table].append(el.sourceline or 0)

    def notes(self) -> dict:
        return {"format": "iati", "activities": self.activities,
                "loaded": len(self.rows["programs"]),
                "skipped_transactions": dict(sorted(self.skipped_types.items())),
                "by_recipient": dict(self.by_recipient.most_common()),
                "publishers": sorted(self.publishers), "identifiers": self.identifiers,
                "unknown_country": self.unknown_country, "lines": self.lines}


def columns_of(table: str) -> tuple[str, ...]:
    return {"partners": PARTNER_COLUMNS, "programs": PROGRAM_COLUMNS,
            "recipients": RECIPIENT_COLUMNS, "funding": FUNDING_COLUMNS}[table]


# --- is it one, and may it be read? -----------------------------------------------------------

def looks_like_iati(path: Path) -> bool:
    """An XML document (whatever its extension) whose root is an IATI one."""
    head = _prolog(path)
    return head.lstrip().startswith(b"<") and (b"<iati-activities" in head
                                               or b"<iati-organisations" in head)


def _prolog(path: Path) -> bytes:
    with path.open("rb") as fh:
        head = fh.read(PROLOG_BYTES)
    return head.removeprefix(b"\xef\xbb\xbf")


def check_prolog(path: Path) -> None:
    """Refuse a DOCTYPE or an entity declaration before the parser sees the file."""
    head = _prolog(path)
    root = head.find(b"<iati-")
    if b"<!DOCTYPE" in head[:root if root >= 0 else None] or b"<!ENTITY" in head:
        raise Refused(Found("iati_doctype"))


# --- the file, streamed ----------------------------------------------------------------------

def read(path: Path, recipient: str | None = None) -> IatiRead:
    """Stream the activity file at `path`; only activities for `recipient` (a country
    code) when given. Refused (`Found`) for a 1.0x file, an organisation file, damaged
    XML (with its line), a DOCTYPE."""
    from lxml import etree

    check_prolog(path)
    out = IatiRead()
    context = etree.iterparse(str(path), events=("start", "end"), tag=_TAGS,
                              resolve_entities=False, no_network=True, load_dtd=False,
                              huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        _walk(context, path.name, recipient, out)
    except etree.XMLSyntaxError as exc:
        raise Refused(Found("iati_damaged", params={
            "line": exc.lineno or 0, "detail": str(exc.msg)[:200]})) from exc
    return out


_TAGS = ("iati-activities", "iati-organisations", "iati-activity")


def _walk(context, file_name: str, recipient: str | None, out: IatiRead) -> None:
    """Each activity as it ends, then dropped (the tree never holds more than one)."""
    file = None
    for event, el in context:
        if file is None:
            file = _root(el.getroottree().getroot(), file_name)
        if event == "end" and el.tag == "iati-activity" and el.getparent() is file.root:
            out.activities += 1
            _activity(el, file, recipient, out)
            el.clear(keep_tail=False)
            while el.getprevious() is not None:
                del file.root[0]
    if file is None:  # no IATI element at all: say what the root is
        _root(context.root, file_name)


@dataclass
class _File:
    root: object
    name: str
    generated_on: str
    lang: str | None
    currency: str | None = None


def _root(el, file_name: str) -> _File:
    """The root element, at its start: an activity file of a version we read."""
    if el.getroottree().docinfo.doctype:
        raise Refused(Found("iati_doctype"))
    if el.tag == "iati-organisations":
        raise Refused(Found("iati_organisation_file"))
    if el.tag != "iati-activities":
        raise Refused(Found("iati_not_activities", value=str(el.tag)[:80]))
    version = (el.get("version") or "").strip()
    if version.startswith("1."):
        raise Refused(Found("iati_v1", value=version))
    if version not in VERSIONS:
        raise Refused(Found("iati_version", value=version,
                            params={"versions": ", ".join(VERSIONS)}))
    return _File(el, file_name, (el.get("generated-datetime") or "")[:10],
                 el.get(XML_LANG))


# --- one activity ------------------------------------------------------------------------------

def _activity(a, file: _File, recipient: str | None, out: IatiRead) -> None:
    ident = (a.findtext("iati-identifier") or "").strip()
    out.identifiers.append(ident)
    countries = [(c.get("code") or "").strip().upper() for c in a.findall("recipient-country")]
    for code in set(countries):
        out.by_recipient[code] += 1
    if recipient and recipient.upper() not in countries:
        return
    lang = a.get(XML_LANG) or file.lang
    org = a.find("reporting-org")
    publisher = _publisher(org, lang, out)
    out.add("programs", a, [
        ident, publisher, narrative(a.find("title"), lang), "other",
        STATUS.get(_code(a.find("activity-status")), _code(a.find("activity-status"))),
        _host_country(a), _date(a, "starts_on"), _date(a, "ends_on"), publisher,
        file.name, file.generated_on or (a.get("last-updated-datetime") or "")[:10]])
    for c in a.findall("recipient-country"):
        out.add("recipients", c, [ident, (c.get("code") or "").strip(),
                                  (c.get("percentage") or "").strip()])
    currency = (a.get("default-currency") or "").strip()
    for n, tr in enumerate(a.findall("transaction"), start=1):
        _transaction(tr, n, ident, publisher, currency, lang, out)


def _code(el) -> str:
    return (el.get("code") or "").strip() if el is not None else ""


def _publisher(org, lang: str | None, out: IatiRead) -> str:
    """The reporting organisation as a partner (once per file); its id."""
    if org is None:
        return ""
    ref = (org.get("ref") or "").strip()
    if ref and ref not in out.publishers:
        out.publishers[ref] = narrative(org, lang)
        country = publisher_country(ref)
        if country is None:  # a multilateral: it must be a partner of ours already
            out.unknown_country.append(ref)
        else:
            out.add("partners", org, [
                ref, out.publishers[ref], country,
                ORG_TYPE.get((org.get("type") or "").strip(), "other")])
    return ref


def narrative(el, lang: str | None) -> str:
    """The element's narrative in Indonesian, else English, else `lang`, else the first."""
    if el is None:
        return ""
    found = [((n.get(XML_LANG) or lang or "").strip().lower(), (n.text or "").strip())
             for n in el.findall("narrative")]
    if not found:
        return ""
    for want in (*LANGS, (lang or "").lower()):
        for code, text in found:
            if code == want and text:
                return text
    return found[0][1]


def _date(a, column: str) -> str:
    dates = {(d.get("type") or "").strip(): (d.get("iso-date") or "").strip()[:10]
             for d in a.findall("activity-date")}
    for kind in DATE_TYPES[column]:
        if dates.get(kind):
            return dates[kind]
    return ""


def _host_country(a) -> str:
    """Where it takes place, only when a location says so by country (vocabulary A4,
    ISO 3166-1) and all its locations say the same country."""
    found = {(adm.get("code") or "").strip().upper()
             for loc in a.findall("location")
             for adm in loc.findall("administrative")
             if (adm.get("vocabulary") or "").strip().upper() == "A4"}
    return found.pop() if len(found) == 1 else ""


def _transaction(tr, n: int, ident: str, publisher: str, currency: str, lang: str | None,
                 out: IatiRead) -> None:
    kind = _code(tr.find("transaction-type"))
    if kind not in FUNDING_STATUS:
        out.skipped_types[kind or "?"] += 1
        return
    value = tr.find("value")
    amount = _amount((value.text or "") if value is not None else "")
    cur = (value.get("currency") if value is not None else None) or currency
    on = (value.get("value-date") if value is not None else None) or (
        tr.find("transaction-date").get("iso-date")
        if tr.find("transaction-date") is not None else "")
    funder = narrative(tr.find("provider-org"), lang) or out.publishers.get(publisher, "")
    line = (tr.get("ref") or "").strip() or f"t{n}"
    out.add("funding", tr, [
        f"{ident}.{line}", ident, "partner", funder, amount, (cur or "").strip(),
        FUNDING_STATUS[kind], (on or "").strip()[:10], publisher])


def _amount(text: str) -> str:
    """The published value to the cent (half to even), sign kept; else as written (the
    validator says what is wrong with it)."""
    text = text.strip()
    try:
        return str(Decimal(text).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))
    except InvalidOperation:
        return text
