"""The book's files: every chapter listed once in _toc.yml, and chapter sources as jupytext writes them."""

from __future__ import annotations

import jupytext
import pytest

from tests.harness.book import ROOT, chapters, is_notebook, toc_parts


def test_every_notebook_under_book_is_a_chapter_of_the_toc():
    listed = {c.path.resolve() for c in chapters()}
    orphans = [p.relative_to(ROOT) for p in sorted((ROOT / "book").rglob("*.md"))
               if is_notebook(p) and p.resolve() not in listed]
    assert not orphans, f"notebooks that _toc.yml does not list (they would never be tested or built): {orphans}"
    assert len(listed) >= 38


def test_every_toc_entry_exists():
    missing = [d for _, docs in toc_parts() for d in docs if not (ROOT / f"{d}.md").exists()]
    assert not missing, f"_toc.yml lists files that do not exist: {missing}"



@pytest.mark.parametrize("chapter", chapters(), ids=lambda c: c.id)
def test_a_jupytext_round_trip_leaves_the_chapter_unchanged(chapter):
    """JupyterLab saves a chapter through jupytext: if that rewrote the file (its header, say), merely
    opening a chapter would leave `git status` dirty. The committed file is what jupytext writes."""
    text = chapter.path.read_text(encoding="utf-8")
    nb = jupytext.reads(text, fmt="md:myst")
    assert jupytext.writes(nb, fmt="md:myst") == text, (
        f"{chapter.path.relative_to(ROOT)} is not as jupytext writes it; rewrite it with "
        "`jupytext --to md:myst` (and keep kernelspec display_name 'Python 3 (ipykernel)')")
    assert nb.metadata["kernelspec"] == {"display_name": "Python 3 (ipykernel)", "language": "python",
                                         "name": "python3"}
