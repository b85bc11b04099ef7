"""The reading child's address space follows what it holds (issue 22 §4).

Its memory limit is on address space (RLIMIT_AS). With glibc's default, the threshold
above which a block gets its own mapping rises to the size of each large block freed, so
later blocks are carved from arenas that keep their address space once freed: the 1M
folder's child reserved 853-1,133 MB for about 500 MB resident and was refused "over the
memory limit" (1,024 MB) in some runs, not others. The child now runs with that
threshold fixed (`handover.CHILD_ALLOCATOR`).
"""

from __future__ import annotations

from pathlib import Path

from coopdash.workbook import handover

HEADER = ("participant_id,delegation_id,full_name,position,organisation,region_code,"
          "gender,role,status\n")


def _folder(path: Path, rows: int) -> Path:
    """A CSV folder shaped like the demo's: participants, and delegations beside them."""
    path.mkdir()
    lines = [HEADER] + [
        f"pt-{i:07d},de-{i // 10:06d},Nama Peserta {i},Analis Kebijakan,"
        f"Pemerintah Provinsi Nomor {i % 38},{11 + i % 80},{'female' if i % 2 else 'male'},"
        f"member,attended\n" for i in range(rows)]
    (path / "participants.csv").write_text("".join(lines), encoding="utf-8")
    (path / "delegations.csv").write_text(
        "delegation_id,program_id,side,planned_seats\n" + "".join(
            f"de-{i:06d},pr-{i // 2:06d},ours,10\n" for i in range(rows // 10)),
        encoding="utf-8")
    return path


def test_the_childs_address_space_grows_with_what_it_holds(tmp_path):
    """Reading a 200,000-row folder (about 25 MB) rather than a ten-row one, the child's
    peak address space grows by at most 60 MB more than its peak resident memory does.
    Measured at load 16-31 before the fix: 92-149 MB more (address space +180-237 MB,
    resident +88-95 MB); after: 23-36 MB more (+100-120 MB, +77-84 MB)."""
    small = handover.run_child(_folder(tmp_path / "small", 10))[2]
    big = handover.run_child(_folder(tmp_path / "big", 200_000))[2]
    assert small["status"] == big["status"] == "ok"
    reserved = big["address_mb"] - small["address_mb"]
    used = big["peak_mb"] - small["peak_mb"]
    assert reserved - used <= 60, (small, big)
