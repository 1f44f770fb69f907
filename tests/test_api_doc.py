"""The API reference page (book/api.md) documents every public module of kx_helpers and is in the book."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_every_module_is_documented() -> None:
    modules = sorted(p.stem for p in (ROOT / "kx_helpers").glob("*.py") if not p.stem.startswith("_"))
    documented = set(re.findall(r"^\.\. automodule:: kx_helpers\.(\w+)", (ROOT / "book" / "api.md").read_text(
        encoding="utf-8"), flags=re.M))
    missing = [m for m in modules if m not in documented]
    assert not missing, f"book/api.md has no `.. automodule:: kx_helpers.<name>` section for: {missing}"
    stale = sorted(documented - set(modules))
    assert not stale, f"book/api.md documents modules that no longer exist: {stale}"


def test_api_page_is_in_the_toc() -> None:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c.get("file") for part in toc.get("parts", []) for c in part.get("chapters", [])]
    assert "book/api" in files, "book/api is not in _toc.yml"
