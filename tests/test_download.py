"""The one download helper (coopdash.web.download): files made at the click, in memory,
for the roles that may have them."""

from __future__ import annotations

import dataclasses

import pytest

from coopdash import settings
from coopdash.web import download


def _as(role: str) -> settings.Settings:
    return dataclasses.replace(settings.get(), role=role)


def test_build_runs_only_when_called_and_checks_the_role_again():
    """The guarded build makes nothing until it is called (the click), then returns the
    builder's bytes; a role without the permission gets an error, never a file."""
    calls = []

    def build() -> bytes:
        calls.append(1)
        return b"rows"

    analyst = download.guarded(build, _as("analyst"), "export")
    assert calls == []
    assert analyst() == b"rows" and calls == [1]
    with pytest.raises(download.NotAllowedError):
        download.guarded(build, _as("viewer"), "export")()
    assert calls == [1]


def test_allowed_follows_the_roles():
    """No permission: everyone; `export`: analysts and keepers, not viewers."""
    assert download.allowed(_as("viewer"), None)
    assert not download.allowed(_as("viewer"), "export")
    assert download.allowed(_as("analyst"), "export")
    assert download.allowed(_as("keeper"), "write")
    assert not download.allowed(_as("analyst"), "write")


def test_every_offered_extension_has_a_mime_type():
    """Each kind of file the pages offer is served with its own MIME type."""
    for ext in ("csv", "xlsx", "parquet", "zip", "html", "pdf"):
        assert "/" in download.MIME[ext]
