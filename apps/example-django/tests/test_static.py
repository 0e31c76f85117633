"""Static files: collectstatic writes content-hashed copies and a manifest, and production pages
link the hashed names (ManifestStaticFilesStorage), so a deploy never serves a stale file under a
name a browser or CloudFront has cached."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client

APP_STATIC = Path(__file__).resolve().parent.parent / "catalog" / "static"
_HASHED = r"[0-9a-f]{12}"


def manifest(static_root: Path) -> dict[str, str]:
    data = json.loads((static_root / "staticfiles.json").read_text())
    paths: dict[str, str] = data["paths"]
    return paths


def test_collectstatic_writes_hashed_copies_and_the_manifest(static_files: Path) -> None:
    paths = manifest(static_files)
    hashed = paths["catalog/site.css"]
    assert re.fullmatch(rf"catalog/site\.{_HASHED}\.css", hashed)
    source = (APP_STATIC / "catalog" / "site.css").read_bytes()
    assert (static_files / hashed).read_bytes() == source
    assert (static_files / "catalog" / "site.css").read_bytes() == source  # the plain name too
    assert re.fullmatch(rf"admin/css/base\.{_HASHED}\.css", paths["admin/css/base.css"])


def test_pages_link_the_hashed_names(client: Client, static_files: Path, db: str) -> None:
    hashed = manifest(static_files)["catalog/site.css"]
    assert f'href="/static/{hashed}"' in client.get("/").content.decode()
    admin_css = manifest(static_files)["admin/css/base.css"]
    assert f"/static/{admin_css}" in client.get("/admin/login/").content.decode()


def test_a_file_missing_from_the_manifest_is_an_error(static_files: Path) -> None:
    """A typo in a template fails loudly (manifest_strict) instead of linking a 404."""
    missing = "Missing staticfiles manifest entry for 'catalog/nope.css'"
    with pytest.raises(ValueError, match=missing):
        staticfiles_storage.url("catalog/nope.css")
