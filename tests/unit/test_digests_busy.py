"""`query.table_digests` on a connection another thread is using (the server shares one
per store version): it runs on a cursor of its own, never refused as busy."""

import threading
import time

import duckdb

from coopdash.store import query


def test_table_digests_while_another_thread_uses_the_connection(tmp_path):
    con = duckdb.connect(str(tmp_path / "busy.duckdb"))
    con.execute("create table t as select range as i from range(10)")
    started = threading.Event()

    def busy() -> None:
        started.set()
        con.execute("select sum(a.range * b.range) from range(20000) a, range(20000) b"
                    ).fetchall()

    thread = threading.Thread(target=busy)
    thread.start()
    started.wait()
    time.sleep(0.2)  # the other call is running on `con`
    assert query.table_digests(con)["t"].startswith("10/")
    thread.join()
    con.close()
