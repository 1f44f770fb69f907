"""Collect every chapter (``book/**/*.md`` with a jupytext header) as an nbval notebook test.

The MyST source is converted to a notebook in memory by jupytext, so no ``.ipynb`` is ever written to the
tree. Each code cell is one test item; a chapter's items run in one kernel on one worker
(``--dist loadscope``). At the end, a table gives each chapter's total execution time.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import jupytext
import nbformat
import nbval.plugin
from nbval.plugin import IPyNbFile

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"


def is_chapter(path: Path) -> bool:
    """A chapter is a MyST markdown file under book/ whose front matter declares a jupytext kernel."""
    if path.suffix != ".md" or BOOK not in path.resolve().parents:
        return False
    head = path.read_text(encoding="utf-8")[:600]
    return head.startswith("---") and "jupytext:" in head and "kernelspec:" in head


class _JupytextReader:
    """Stands in for the ``nbformat`` module inside nbval while it collects one chapter."""

    def __init__(self, nb: nbformat.NotebookNode):
        self._nb = nb

    def read(self, *_args, **_kwargs) -> nbformat.NotebookNode:
        return self._nb

    def __getattr__(self, name: str):
        return getattr(nbformat, name)


class MystNotebook(IPyNbFile):
    """nbval's notebook collector, reading the MyST source through jupytext (no .ipynb on disk)."""

    def collect(self):
        nb = jupytext.read(self.path, fmt="md:myst")
        nbval.plugin.nbformat = _JupytextReader(nb)  # nbval's collect() calls nbformat.read(path)
        try:
            yield from super().collect()
        finally:
            nbval.plugin.nbformat = nbformat


class ChapterCollector:
    """A plugin object: unlike a hook in this conftest (which pytest scopes to tests/), a registered
    plugin's ``pytest_collect_file`` sees every path, so it can collect the chapters under book/."""

    @staticmethod
    def pytest_collect_file(file_path: Path, parent):
        if is_chapter(file_path):
            return MystNotebook.from_parent(parent, path=file_path)
        return None


def pytest_configure(config):
    if not config.pluginmanager.has_plugin("kx-chapter-collector"):
        config.pluginmanager.register(ChapterCollector(), "kx-chapter-collector")


_CHAPTER_TIME: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".md"):
        _CHAPTER_TIME[path] += report.duration


def pytest_terminal_summary(terminalreporter):
    if not _CHAPTER_TIME:
        return
    tr = terminalreporter
    tr.section("chapter execution times (sum over cells, kernel start included)")
    for path, secs in sorted(_CHAPTER_TIME.items(), key=lambda kv: -kv[1]):
        tr.write_line(f"{secs:7.1f} s  {path}")
    tr.write_line(f"{sum(_CHAPTER_TIME.values()):7.1f} s  total over {len(_CHAPTER_TIME)} chapters")
