"""The hostile corpus (tests/hostile_corpus.py) through `python -m coopdash import`: each
file gets its exit code and the words a keeper needs, never a traceback, and the store
stays byte-identical (issue 13). Time and memory per case: benchmarks/corpus.py."""

from __future__ import annotations

import pytest

from coopdash import cli
from tests.fixtures_store import sha256
from tests.hostile_corpus import cases

CASES = {c.name: c for c in cases()}


def test_the_corpus_has_at_least_a_hundred_cases():
    """Issue 13 asks for at least 100 generated cases."""
    assert len(CASES) >= 100, len(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_is_refused_plainly(name, tmp_path, sample_store, store_copy, monkeypatch,
                                         capsys):
    """One case: exit code, the message's words, no traceback, the store unchanged."""
    case = CASES[name]
    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    db = store_copy(sample_store)
    before = sha256(db)
    path = case.make(tmp_path)
    code = cli.main(["import", str(path), "--db", str(db), "--lang", "en", *case.args])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == case.exit, text
    assert "Traceback" not in text
    # the reading child's last words (a Rust panic, a failed allocation) are for a log
    assert "panicked" not in text and "memory allocation of" not in text, text
    for words in case.words:
        assert words in text, text
    if case.names_file:
        assert f"file {path.name}" in text, text
    if case.exit != 0:
        assert sha256(db) == before
