"""A test that fails says why its servers may have: every server a test starts
(`conftest.start_server`, nginx) logs to a file kept in test-output/servers/, and a failed
test's report carries the tail of the log of each server still running and of each
started for it (`browser_util.served`, conftest's `pytest_runtest_makereport`)."""

from __future__ import annotations

import subprocess
import sys

import browser_util
import conftest
import pytest

CHATTY = ("import sys, time\n"
          "for i in range(100): print(f'line {i}', file=sys.stderr)\n"
          "print('ready', flush=True)\n"
          "time.sleep(60)\n")


def _report(item, outcome: str) -> pytest.TestReport:
    """`outcome`'s report of `item` as conftest's report hook hands it on."""
    made = pytest.TestReport(item.nodeid, item.location, {}, outcome, None, "call")
    hook = conftest.pytest_runtest_makereport(item, None)
    next(hook)
    with pytest.raises(StopIteration) as done:
        hook.send(made)
    return done.value.value


def _sections(report, name: str) -> list[str]:
    return [text for title, text in report.sections if name in title]


def test_a_failed_test_reports_its_servers_log_tail(request):
    first = len(browser_util.SERVED)
    log = browser_util.server_log_file("chatty")
    assert log.parent == browser_util.SERVER_LOGS
    with log.open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-c", CHATTY], stdout=subprocess.PIPE,
                                stderr=err, text=True)
    browser_util.served("chatty server", log, proc)
    try:
        assert proc.stdout.readline() == "ready\n"
        request.node.stash[conftest._FIRST_SERVER] = first
        failed = _sections(_report(request.node, "failed"), "chatty server")
        assert [text.splitlines() for text in failed] == [
            [f"line {i}" for i in range(40, 100)]]
        assert _sections(_report(request.node, "passed"), "chatty server") == []
    finally:
        proc.kill()
        proc.wait()
    # stopped: still in the report of the test that started it, in no later test's
    assert len(_sections(_report(request.node, "failed"), "chatty server")) == 1
    request.node.stash[conftest._FIRST_SERVER] = len(browser_util.SERVED)
    assert _sections(_report(request.node, "failed"), "chatty server") == []
    assert log.read_text().startswith("line 0\n")  # the whole log stays on disk
