"""Indonesian regions: the Kemendagri reference lists read from `data/reference/`: the 38
provinces, all 514 regencies / cities (Kepmendagri 300.2.2-2138/2025, see the folder's
README), and the sample of regencies the demo generator draws from."""

from __future__ import annotations

import functools

import pandas as pd

from coopdash.settings import DATA_DIR

REFERENCE_DIR = DATA_DIR / "reference"


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / name, dtype=str, keep_default_na=False,
                       encoding="utf-8")


@functools.cache
def _provinces() -> pd.DataFrame:
    df = _read("provinces.csv")
    df["lat"] = df["lat"].astype(float)
    df["lon"] = df["lon"].astype(float)
    return df


def provinces() -> pd.DataFrame:
    """Columns province_code (str, `32`), name, name_en, lat, lon (floats, centroids)."""
    return _provinces().copy()


@functools.cache
def _regencies() -> pd.DataFrame:
    return _read("regencies_sample.csv")


def regencies_sample() -> pd.DataFrame:
    """Columns region_code (`32.73`), name, kind (`kota` / `kabupaten`). A sample only."""
    return _regencies().copy()


def province_names(lang: str = "id") -> dict[str, str]:
    """province_code -> name (Bahasa Indonesia) or name_en."""
    df = _provinces()
    return dict(zip(df["province_code"], df["name" if lang == "id" else "name_en"],
                    strict=True))


@functools.cache
def _all_regencies() -> pd.DataFrame:
    return _read("regencies.csv")


def regencies() -> pd.DataFrame:
    """Every regency and city: region_code (`32.73`), name, kind (`kota` / `kabupaten`),
    province_code. The validator checks region codes against it."""
    return _all_regencies().copy()
