"""The book's CJK web font holds every Chinese character its pages use (see book/_ext/cjk_font.py)."""

from __future__ import annotations

import importlib.util

from tests.harness.book import ROOT

spec = importlib.util.spec_from_file_location("cjk_font", ROOT / "book" / "_ext" / "cjk_font.py")
cjk_font = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cjk_font)


def test_the_subset_font_covers_every_cjk_character_of_the_book():
    used = cjk_font.book_characters()
    assert len(used) > 100, "the chapters' original titles should bring a few hundred characters"
    missing = used - cjk_font.font_characters()
    assert not missing, (f"book/_static/fonts/kx-cjk.woff2 lacks {''.join(sorted(missing))}: rerun "
                         "`.venv/bin/python book/_ext/cjk_font.py` (needs the full Noto Sans CJK font)")


def test_the_font_ships_with_its_licence():
    text = (ROOT / "book" / "_static" / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in text and "Adobe" in text
