"""Determinism: a chapter run twice in fresh kernels prints exactly the same check values.

Every random draw in a chapter goes through a seeded generator, so the "✓ ..." lines its checks print —
values, errors, z-scores — must be identical between runs. The chapter chosen draws a million Monte Carlo
samples, so an unseeded draw anywhere in it would change some printed digit. Explorer cells are skipped:
they print no check values and only cost time.
"""

from __future__ import annotations

import pytest

from tests.harness.book import chapters, run_chapter

CHAPTER = next((c for c in chapters() if c.id == "probability/gaussian-divergences"), None)


def check_lines() -> list[str]:
    return run_chapter(CHAPTER, skip=lambda cell: "kx.explore(" in cell.source).check_lines()


@pytest.mark.skipif(CHAPTER is None, reason="determinism chapter missing")
def test_chapter_prints_identical_check_values_twice():
    first, second = check_lines(), check_lines()
    assert len(first) >= 10, f"expected the chapter's checks, got {first}"
    assert any("± " in line for line in first), "the chapter should include Monte Carlo checks"
    diff = [(a, b) for a, b in zip(first, second, strict=True) if a != b]
    assert not diff, "check values changed between two runs (an unseeded draw?):\n" + "\n".join(
        f"  run 1: {a}\n  run 2: {b}" for a, b in diff[:5])
