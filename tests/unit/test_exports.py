"""Exports equal the screen: CSV, Excel and Parquet hold exactly the rows and values of
the query behind the explorer's table, state their filters, never run a formula, and
leave names out for roles that may not see them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from coopdash import store
from coopdash.figures import explorer as ex
from coopdash.figures import exports
from coopdash.figures.filters import Filters
from coopdash.i18n import code_label, fmt_date, t

TODAY = dt.date(2024, 6, 30)
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2", "\tlead-tab", "=1+1"]


def params_for(tab: ex.Tab, flt: Filters, *, q: str = "", chosen=None, lang: str = "en",
               currency: str = "USD", show_names: bool = True) -> dict:
    return {**flt.params("ID"), "currency": currency, "today": TODAY, "home": "ID",
            "show_names": show_names, **ex.tab_params(tab, q, chosen, lang)}


def spec_for(tab: ex.Tab, flt: Filters, *, show_names: bool = True, lang: str = "en",
             currency: str = "USD", sort: str | None = None, desc: bool = False,
             q: str = "", chosen=None) -> exports.TableExport:
    return exports.TableExport(
        tab=tab, params=params_for(tab, flt, q=q, chosen=chosen, lang=lang, currency=currency,
                                   show_names=show_names),
        sort=sort, desc=desc, lang=lang, currency=currency, filters=flt,
        show_names=show_names)


def screen_rows(con, spec: exports.TableExport) -> pd.DataFrame:
    """The rows the screen pages through (the same query without paging)."""
    return ex.fetch(con, spec.tab, {**spec.params, "show_names": spec.show_names},
                    spec.sort, spec.desc)


def _plain(value):
    """One comparable Python value for a cell read from any of the formats."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else value
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal) or hasattr(value, "item"):
        value = value.item() if hasattr(value, "item") else value
        return value if isinstance(value, bool) else round(float(value), 6)
    return value


def rows_of(df: pd.DataFrame, neutralise: bool = False) -> list[tuple]:
    out = []
    for rec in df.itertuples(index=False):
        vals = [_plain(v) for v in rec]
        out.append(tuple(exports.neutralise(v) if neutralise else v for v in vals))
    return out


@pytest.fixture(scope="module")
def demo_con(demo_store):
    con = duckdb.connect(str(demo_store), read_only=True)
    yield con
    con.close()


def busiest_partner(con) -> str:
    return con.execute("select partner_id from programs group by 1 order by count(*) desc, 1 "
                       "limit 1").fetchall()[0][0]


# --- exports equal the screen ------------------------------------------------------------

@pytest.mark.parametrize("tab_name", ex.TAB_NAMES)
def test_csv_excel_parquet_hold_the_screen_rows(demo_con, tab_name, tmp_path):
    """For each table under a partner filter, all three files equal the screen's query."""
    tab = ex.TABS[tab_name]
    flt = Filters(partners=(busiest_partner(demo_con),))
    spec = spec_for(tab, flt, sort=tab.columns[1].name, desc=True)
    expected = screen_rows(demo_con, spec)
    assert len(expected) > 0
    heads = ex.headers(tab, True, "en", "USD")

    pq_path = tmp_path / "x.parquet"
    assert exports.write(demo_con, spec, "parquet", pq_path) == len(expected)
    table = pq.read_table(pq_path)
    assert table.column_names == [heads[c] for c in expected.columns]
    assert rows_of(table.to_pandas()) == rows_of(expected)

    csv_path = tmp_path / "x.csv"
    exports.write(demo_con, spec, "csv", csv_path)
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pacsv.read_csv(io.BytesIO(raw[3:]), convert_options=pacsv.ConvertOptions(
        column_types=table.schema, strings_can_be_null=True,
        quoted_strings_can_be_null=False))
    assert back.column_names == table.column_names
    assert rows_of(back.to_pandas()) == rows_of(expected, neutralise=True)

    xlsx_path = tmp_path / "x.xlsx"
    exports.write(demo_con, spec, "xlsx", xlsx_path)
    wb = openpyxl.load_workbook(xlsx_path, read_only=True)
    data = list(wb["Data"].iter_rows(values_only=True))
    assert list(data[0]) == table.column_names
    assert [tuple(_plain(v) for v in r) for r in data[1:]] == rows_of(expected,
                                                                      neutralise=True)


def test_excel_types_dates_as_dates_numbers_as_numbers(demo_con, tmp_path):
    """Dates are date cells, counts and amounts numbers, not text."""
    tab = ex.TABS["funding"]
    spec = spec_for(tab, Filters(), sort="amount", desc=True)
    path = tmp_path / "f.xlsx"
    exports.write(demo_con, spec, "xlsx", path)
    ws = openpyxl.load_workbook(path)["Data"]
    heads = [c.value for c in ws[1]]
    first = {h: c for h, c in zip(heads, ws[2], strict=True)}
    assert first["Amount (original currency)"].data_type == "n"
    assert first["Rate date"].is_date


def test_about_sheet_states_filters_language_currency_rates_and_count(demo_con, tmp_path):
    """The about sheet names the filters, search, language, currency, rates and rows."""
    tab = ex.TABS["funding"]
    flt = Filters(sources=("apbd", "partner"), date_from=dt.date(2023, 1, 1))
    spec = spec_for(tab, flt, lang="id", currency="JPY", q="a", chosen={"status": ["spent"]})
    expected = screen_rows(demo_con, spec)
    path = tmp_path / "about.xlsx"
    exports.write(demo_con, spec, "xlsx", path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Data", "Tentang"]
    lines = {r[0]: r[1] for r in wb["Tentang"].iter_rows(values_only=True) if r[0]}
    assert lines["Tabel"] == "Pendanaan"
    assert lines["Jumlah baris"] == len(expected)
    assert lines["Bahasa"] == "Bahasa Indonesia"
    assert lines["Mata uang tampilan"] == "JPY"
    assert "APBD" in lines["Sumber dana"]
    period = t("filter.period", "id")  # the one description of filters (pack, deck, page)
    assert lines[period] == f"{fmt_date(dt.date(2023, 1, 1), 'id')} – {fmt_date(None, 'id')}"
    assert lines["Pencarian"] == "a"
    assert lines["Status"] == code_label("funding_status", "spent", "id")
    assert isinstance(lines["Waktu ekspor"], dt.datetime)
    assert "Kurs yang dipakai" in lines
    rates = ex.rates(demo_con, tab, {**spec.params})
    assert len(rates) > 0  # the demo's funding is in several currencies, shown in JPY
    cells = [c for r in wb["Tentang"].iter_rows(values_only=True) for c in r if c]
    assert set(rates["currency"].dropna()) <= set(cells)  # one line per converted currency


def test_paging_page_two_holds_the_next_rows(demo_con):
    """Page 2 is rows 26–50 of the sorted query; the count matches the full query."""
    tab = ex.TABS["participants"]
    p = params_for(tab, Filters())
    full = ex.fetch(demo_con, tab, p, "organisation", False)
    page2 = ex.fetch(demo_con, tab, p, "organisation", False, page=2, page_size=25)
    assert ex.count(demo_con, tab, p) == len(full)
    assert page2["participant_id"].tolist() == full["participant_id"].iloc[25:50].tolist()


def test_sort_refuses_a_column_outside_the_allow_list():
    """A sort column is an identifier from the allow-list only; anything else is refused."""
    tab = ex.TABS["programs"]
    with pytest.raises(ValueError):
        ex._ident('title"; drop table programs; --', tab.column_names(True))
    sql = ex.sql(tab, True, sort='title; drop table x', desc=False)
    assert "drop table" not in sql  # unknown sort falls back to the default


def test_viewer_exports_leave_names_out(demo_con, tmp_path):
    """Without the names right, no full name is in any file, and the search ignores them."""
    name = demo_con.execute("select full_name from participants order by participant_id "
                            "limit 1").fetchall()[0][0]
    tab = ex.TABS["participants"]
    spec = spec_for(tab, Filters(), show_names=False)
    assert "full_name" not in spec.columns and "position" not in spec.columns
    for fmt in ("csv", "xlsx", "parquet"):
        path = tmp_path / f"v.{fmt}"
        exports.write(demo_con, spec, fmt, path)
        if fmt == "parquet":
            df = pq.read_table(path).to_pandas()
            assert name not in df.astype(str).to_numpy().ravel().tolist()
        elif fmt == "csv":
            assert name not in path.read_text(encoding="utf-8-sig")
        else:
            cells = [c for r in openpyxl.load_workbook(path)["Data"].iter_rows(values_only=True)
                     for c in r]
            assert name not in cells
    searched = spec_for(tab, Filters(), show_names=False, q=name)
    found = screen_rows(demo_con, searched)
    assert "full_name" not in found.columns
    assert name not in found.to_string()


def test_excel_past_its_row_limit_says_so(demo_con, tmp_path, monkeypatch):
    """A selection bigger than Excel's sheet raises a plain error and writes no file."""
    monkeypatch.setattr(exports, "EXCEL_MAX_ROWS", 10)
    spec = spec_for(ex.TABS["participants"], Filters())
    path = tmp_path / "big.xlsx"
    with pytest.raises(exports.TooManyRowsError) as err:
        exports.write(demo_con, spec, "xlsx", path)
    assert err.value.n_rows > 10
    assert not path.exists()


# --- hostile strings ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory, empty_store) -> Path:
    """A store whose text fields begin with formula characters."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    path.write_bytes(Path(empty_store).read_bytes())
    con = store.connect(path, read_only=False)
    h = HOSTILE
    con.execute("insert into partners values ('p1', $a, 'JP', $b, 'ngo')", {"a": h[0], "b": h[1]})
    con.execute("insert into agreements values ('a1', 'p1', $a, 'mou', 'signed', "
                "'2023-01-01', '2023-01-01', null, $b, $c)", {"a": h[2], "b": h[3], "c": h[4]})
    con.execute("insert into programs values ('g1', 'p1', 'a1', $a, 'seminar', 'planned', "
                "'in_person', 'JP', $b, '2023-05-01', '2023-05-02', null, null, null)",
                {"a": h[0], "b": h[2]})
    con.execute("insert into delegations values ('d1', 'g1', 'home', 3)")
    con.execute("insert into participants values ('x1', 'd1', $a, $b, $c, '32.73', 'female', "
                "'head', 'confirmed')", {"a": h[0], "b": h[1], "c": h[4]})
    con.execute("insert into fx_rates values ('JPY', '2023-01-01', 110.50, $a)", {"a": h[5]})
    con.execute("insert into funding values ('f1', 'g1', 'd1', 'partner', $a, 1000, 'JPY', "
                "'committed', '2023-05-01', null)", {"a": h[3]})
    con.execute("insert into actions (action_id, agreement_id, program_id, title, owner, "
                "opened_on, due_on, status, closed_on) values ('c1', 'a1', 'g1', $a, $b, "
                "'2023-05-01', "
                "'2023-06-01', 'open', null)", {"a": h[0], "b": h[2]})
    con.close()
    return path


@pytest.mark.parametrize("tab_name", ex.TAB_NAMES)
def test_hostile_strings_never_become_formulas(hostile_store, tab_name, tmp_path):
    """No exported cell is a live formula; CSV and Excel cells are prefixed with '."""
    con = duckdb.connect(str(hostile_store), read_only=True)
    try:
        spec = spec_for(ex.TABS[tab_name], Filters(), show_names=True)
        xlsx, csv_path = tmp_path / "h.xlsx", tmp_path / "h.csv"
        assert exports.write(con, spec, "xlsx", xlsx) == 1
        exports.write(con, spec, "csv", csv_path)
    finally:
        con.close()
    wb = openpyxl.load_workbook(xlsx)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert any(v.startswith("'") for v in texts)
    assert not [v for v in texts if v[:1] in ("=", "+", "@", "\t", "\r")]
    records = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    fields = [f for rec in records for f in rec]
    assert not [f for f in fields if f[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert any(f.startswith("'") for f in fields)


def test_neutralise_keeps_ordinary_text_and_numbers():
    """Only text beginning with a formula character changes."""
    assert exports.neutralise("-2") == "'-2"
    assert exports.neutralise("\tx") == "'\tx"
    assert exports.neutralise("Bandung") == "Bandung"
    assert exports.neutralise(-2) == -2
    batch = pa.record_batch({"s": ["=1", "ok", None, "@x"], "n": [1, 2, 3, 4]})
    out = exports._neutralise_batch(batch)
    assert out.column("s").to_pylist() == ["'=1", "ok", None, "'@x"]
    assert out.column("n").to_pylist() == [1, 2, 3, 4]


def test_about_sheet_says_no_funding_recorded_in_words(demo_con):
    """The "no funding recorded" filter is written in words on the about sheet, as the
    sidebar, the weekly page and the pack write it, never as the raw code `none`."""
    tab = ex.TABS["programs"]
    for lang in ("id", "en"):
        spec = spec_for(tab, Filters(sources=("none", "apbn")), lang=lang)
        lines = dict(exports.about(spec, None))
        shown = lines[t("filter.source", lang)]
        assert set(shown.split(", ")) == {t("filter.none.source", lang),
                                          code_label("source", "apbn", lang)}, shown
        assert "none" not in shown.split(", ")
