"""Cut the book's CJK web font: the characters the book uses, from Noto Sans CJK SC (SIL OFL 1.1).

Every chapter shows its article's original Chinese title, and the Source boxes link the articles by their
Chinese names. A reader's machine may have no CJK font at all (a minimal Linux, a CI runner), and then each
character is an empty box. The book ships a subset of Noto Sans CJK SC that holds exactly the characters its
pages use (``book/_static/fonts/kx-cjk.woff2``, with ``OFL.txt`` beside it); ``kx.css`` declares it as a
fallback font limited to the CJK ranges, so a machine that has its own CJK font keeps using it for nothing
else.

Run this after adding Chinese text that the subset lacks (``tests/test_fonts.py`` fails then, naming the
characters)::

    .venv/bin/python book/_ext/cjk_font.py [path/to/NotoSansCJK-Regular.ttc]

The source font is the full Noto Sans CJK (Debian: ``apt-get install fonts-noto-cjk``, which puts it at the
default path below). Writing WOFF2 needs ``brotli`` (in requirements.txt).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "book" / "_static" / "fonts" / "kx-cjk.woff2"
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
#: Where the book's text lives: every page's source and the site configuration (footer, title).
SOURCES = ("book/**/*.md", "_config.yml")
#: CJK punctuation, ideographs and full-width forms: the font's unicode-range in kx.css
RANGES = ((0x2E80, 0x2FFF), (0x3000, 0x303F), (0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
          (0xF900, 0xFAFF), (0xFF00, 0xFFEF))


def is_cjk(ch: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in RANGES)


def book_characters() -> set[str]:
    """Every CJK character in the book's sources."""
    chars: set[str] = set()
    for pattern in SOURCES:
        for path in ROOT.glob(pattern):
            if "_build" not in path.parts:
                chars |= {c for c in path.read_text(encoding="utf-8") if is_cjk(c)}
    return chars


def font_characters(path: Path = OUT) -> set[str]:
    """The characters a font maps to glyphs."""
    from fontTools.ttLib import TTFont

    return {chr(code) for code in TTFont(path).getBestCmap()}


def main(source: Path) -> None:
    from fontTools import subset

    chars = book_characters()
    # Noto Sans CJK SC: font 2 of the collection is the Simplified Chinese face.
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]  # keep the copyright and licence records
    options.font_number = 2
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars)))
    subsetter.subset(font)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(OUT), options)
    missing = chars - font_characters()
    print(f"{OUT.relative_to(ROOT)}: {len(chars)} characters, {OUT.stat().st_size / 1024:.0f} KB"
          + (f"; NOT in the source font: {''.join(sorted(missing))}" if missing else ""))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
