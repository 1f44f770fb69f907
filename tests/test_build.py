"""The parallel book build makes the same pages as Jupyter Book's own serial build.

``make book`` does not let Jupyter Book execute the chapters: it fills the execution cache first, either with
jupyter-cache's parallel executor or with the outputs ``make test`` produced under nbval
(:mod:`tests.harness.build`). Either way, the pages must be what a plain serial ``jupyter-book build`` makes.
This test builds a small book three ways, each in its own copy of the working tree:

* **serial**: ``jupyter-book build`` alone (MyST-NB executes each chapter while Sphinx reads it);
* **parallel**: ``python -m tests.harness.build`` (the chapters run on every core into the cache first);
* **tested**: the chapters through ``pytest`` with ``KX_BOOK_CACHE=1``, then ``python -m tests.harness.build``,
  which must execute nothing (CI's route: the book reuses what the tests ran);

and compares every chapter page's article: its text, its code outputs and the images they point at (images
are named by a hash of their bytes). The chapters are chosen to need no page outside the small book: a numpy
and sympy chapter with an explorer, an mpmath chapter with citations, and a torch chapter. Slow (three builds),
so plain ``pytest`` skips it; ``make check-build`` runs it (``KX_BUILD_COMPARE=1``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness.book import ROOT

CHAPTERS = ["probability/points-in-sector", "networks/gelu-approximations", "optimization/training-utilities"]
TOC = """format: jb-book
root: book/compare-root
parts:
  - caption: "A small book"
    chapters:
{chapters}
      - file: book/references
"""

pytestmark = pytest.mark.skipif(os.environ.get("KX_BUILD_COMPARE") != "1",
                                reason="three book builds: run `make check-build` (sets KX_BUILD_COMPARE=1)")


def _copy(dest: Path) -> Path:
    """The working tree's tracked files (as they are now), with a table of contents of the small book."""
    files = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True,
                           text=True).stdout.split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    (dest / "book" / "compare-root.md").write_text("# A small book\n\nThree chapters, built three ways.\n")
    entries = "\n".join(f"      - file: book/{c}" for c in CHAPTERS)
    (dest / "_toc.yml").write_text(TOC.format(chapters=entries))
    return dest


def _run(cmd: list[str], cwd: Path, **env: str) -> str:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**os.environ, **env})
    assert proc.returncode == 0, f"{' '.join(cmd)} failed in {cwd}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def _article(html: Path) -> str:
    """A chapter page's article (text, outputs, image names), without what differs between any two builds."""
    text = html.read_text(encoding="utf-8")
    start, end = text.index('<article class="bd-article">'), text.index("</article>")
    article = text[start:end]
    return re.sub(r"\s+", " ", article)


def _pages(root: Path) -> dict[str, str]:
    return {c: _article(root / "_build" / "html" / "book" / f"{c}.html") for c in CHAPTERS}


def test_parallel_and_test_cached_builds_make_the_serial_builds_pages(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    serial, parallel, tested = (_copy(tmp_path / name) for name in ("serial", "parallel", "tested"))

    _run([str(bin_dir / "jupyter-book"), "build", str(serial), "--path-output", str(serial), "-W", "-n",
          "--keep-going"], serial)
    log = _run([sys.executable, "-m", "tests.harness.build"], parallel)
    assert f"executing {len(CHAPTERS)} of {len(CHAPTERS)} chapters" in log, log[-2000:]
    _run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
          *(f"book/{c}.md" for c in CHAPTERS)], tested, KX_BOOK_CACHE="1", KX_BUDGET_SCALE="0")
    log = _run([sys.executable, "-m", "tests.harness.build"], tested)
    assert f"all {len(CHAPTERS)} chapters are in the execution cache" in log, log[-2000:]

    reference = _pages(serial)
    for name, root in (("parallel", parallel), ("tested", tested)):
        pages = _pages(root)
        for chapter in CHAPTERS:
            assert pages[chapter] == reference[chapter], (
                f"{chapter}: the {name} build's page differs from the serial build's; compare "
                f"{root}/_build/html/book/{chapter}.html with {serial}/_build/html/book/{chapter}.html")
            images = set(re.findall(r'src="[./]*_images/([^"]+)"', pages[chapter]))
            assert images, f"{chapter}: no figure on the page"
