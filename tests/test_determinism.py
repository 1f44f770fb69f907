"""Determinism: a chapter run twice in fresh kernels prints exactly the same check values.

Every random draw in a chapter goes through a seeded generator, so the "✓ ..." lines its checks print —
values, errors, z-scores — must be identical between runs. The chapter chosen draws a million Monte Carlo
samples, so an unseeded draw anywhere in it would change some printed digit. Explorer cells are skipped:
they print no check values and only cost time.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = ROOT / "book" / "probability" / "gaussian-divergences.md"


def check_lines(path: Path) -> list[str]:
    nb = jupytext.read(path, fmt="md:myst")
    nb.cells = [c for c in nb.cells if not (c.cell_type == "code" and "kx.explore(" in c.source)]
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                   if o.get("output_type") == "stream")
    return [line for line in text.splitlines() if line.startswith("✓")]


@pytest.mark.skipif(not CHAPTER.exists(), reason="determinism chapter missing")
def test_chapter_prints_identical_check_values_twice():
    first, second = check_lines(CHAPTER), check_lines(CHAPTER)
    assert len(first) >= 10, f"expected the chapter's checks, got {first}"
    assert any("± " in line for line in first), "the chapter should include Monte Carlo checks"
    diff = [(a, b) for a, b in zip(first, second, strict=True) if a != b]
    assert not diff, "check values changed between two runs (an unseeded draw?):\n" + "\n".join(
        f"  run 1: {a}\n  run 2: {b}" for a, b in diff[:5])
