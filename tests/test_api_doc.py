"""The API reference page (book/api.md) documents every public module of kx_helpers and is in the book;
the package exports only what chapters use."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_every_module_is_documented() -> None:
    package = ROOT / "kx_helpers"
    modules = sorted({p.stem for p in package.glob("*.py")} | {p.parent.name for p in package.glob("*/__init__.py")})
    modules = [m for m in modules if not m.startswith("_")]
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


def test_every_public_name_is_used_by_a_chapter() -> None:
    import kx_helpers

    text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "book").rglob("*.md"))
    returned = {"CheckFailed", "Explorer"}  # what chapters get back (a failed check, an explorer): documented types
    unused = [name for name in kx_helpers.__all__ if f"kx.{name}" not in text and name not in returned]
    assert not unused, f"kx_helpers exports names no chapter uses (move them where they are used): {unused}"
