"""What a replace would take away, said before it is applied.

`--replace` makes every table in the file equal to the file. A workbook whose sheet holds
only its header (the template's, for example) would then empty that table: 23 records
were once deleted that way with exit 0. So:

- `losses(con, staging)` counts, per table, the stored records a replace would remove
  (the command line prints it before writing; the Data page shows it in its report);
- `refuse_emptying(con, staging, allow_empty)` refuses to empty a table that holds
  records unless that table is named in `allow_empty` (`--allow-empty TABLE`, or the
  Data page's confirmation).
"""

from __future__ import annotations

import duckdb

from coopdash.workbook.validate import Issue, Staging, ValidationFailed, join_sql


def losses(con: duckdb.DuckDBPyConnection, staging: Staging) -> dict[str, int]:
    """Table -> stored records the replace removes (0 when none; empty when upserting)."""
    if not staging.replace:
        return {}
    return {name: con.execute(
        f"select count(*) from main.{name} s where not exists "
        f"(select 1 from _f_{name} f where {join_sql(name, 'f', 's')})").fetchall()[0][0]
        for name in staging.tables}


def emptied(con: duckdb.DuckDBPyConnection, staging: Staging) -> dict[str, int]:
    """Table -> records it holds, for each table the replace would leave empty."""
    if not staging.replace:
        return {}
    out = {}
    for name, table in staging.tables.items():
        if table.rows == 0:
            held = con.execute(f"select count(*) from main.{name}").fetchall()[0][0]
            if held:
                out[name] = held
    return out


def refuse_emptying(con: duckdb.DuckDBPyConnection, staging: Staging,
                    allow_empty: tuple[str, ...] | list[str] = ()) -> None:
    """Raise ValidationFailed (nothing written) if the replace would empty a table that
    was not named in `allow_empty`."""
    issues = [Issue(name, None, None, None, "replace_empties", {"n": n, "table": name})
              for name, n in emptied(con, staging).items() if name not in allow_empty]
    if issues:
        raise ValidationFailed(issues)
