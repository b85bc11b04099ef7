"""`query.table_digests` on a store connection another thread is using (the server shares
one per store version): it runs on a cursor of its own, never refused as busy."""

import threading
import time

import duckdb

from coopdash.store import query


def test_table_digests_while_another_thread_uses_the_connection(sample_store):
    con = duckdb.connect(str(sample_store), read_only=True)
    programs = con.execute("select count(*) from programs").fetchone()[0]
    started = threading.Event()

    def busy() -> None:
        started.set()
        con.execute("select sum(a.range * b.range) from range(20000) a, range(20000) b"
                    ).fetchall()

    thread = threading.Thread(target=busy)
    thread.start()
    started.wait()
    time.sleep(0.2)  # the other call is running on `con`
    assert query.table_digests(con)["programs"].startswith(f"{programs}/")
    thread.join()
    con.close()
