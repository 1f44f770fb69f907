"""Collect every chapter (``book/**/*.md`` with a jupytext header) as an nbval notebook test.

The MyST source is converted to a notebook in memory by jupytext, so no ``.ipynb`` is ever written to the
tree. Each code cell is one test item; a chapter's items run in one kernel on one worker
(``--dist loadscope``). Around the chapter's cells the harness adds four items of its own:

* ``forbid unseeded randomness`` (first, in the kernel): ``kx_helpers.seeding.forbid_unseeded()``, so a
  draw from an unseeded generator (``np.random.default_rng()``, ``np.random.normal``, ``random.random`` …)
  fails the cell that makes it;
* ``verify seeded`` (after the last cell, in the kernel): fails if torch drew without ``torch.manual_seed``;
* ``explorer redraws`` (in the kernel): the chapter's explorers redraw on recycled axes exactly as on fresh
  ones (``kx_helpers.widgets.verify_redraws``);
* ``time budget``: fails when the chapter (kernel start included) took longer than its budget: 30 s, or less
  if its front matter says ``kx: {budget: 20}``.

At the end, a table gives each chapter's total execution time.

This module is loaded as a plugin (``-p tests.conftest`` in pyproject.toml), so that ``pytest book/...``
collects chapters too; a conftest alone is scoped to its own directory.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from pathlib import Path

import hypothesis
import jupytext
import nbformat
import nbval.plugin
import pytest
from nbval.plugin import IPyNbCell, IPyNbFile

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


DEFAULT_BUDGET_S = 30.0


class MystNotebook(IPyNbFile):
    """nbval's notebook collector, reading the MyST source through jupytext (no .ipynb on disk)."""

    started: float | None = None

    def collect(self):
        nb = jupytext.read(self.path, fmt="md:myst")
        nbval.plugin.nbformat = _JupytextReader(nb)  # nbval's collect() calls nbformat.read(path)
        try:
            cells = list(super().collect())
        finally:
            nbval.plugin.nbformat = nbformat
        yield self._harness_cell("forbid unseeded randomness", -1,
                                 "import kx_helpers.seeding\nkx_helpers.seeding.forbid_unseeded()")
        yield from cells
        yield self._harness_cell("verify seeded", len(cells),
                                 "import kx_helpers.seeding\nkx_helpers.seeding.verify_seeded()")
        yield self._harness_cell("explorer redraws", len(cells) + 1,
                                 "import kx_helpers.widgets\n"
                                 "assert kx_helpers.widgets.verify_redraws() >= 1, 'the chapter shows no explorer'")
        budget = min(float(nb.metadata.get("kx", {}).get("budget", DEFAULT_BUDGET_S)), DEFAULT_BUDGET_S)
        # On a machine shared with other heavy jobs, KX_BUDGET_SCALE (default 1) stretches every budget.
        budget *= float(os.environ.get("KX_BUDGET_SCALE", "1"))
        yield TimeBudget.from_parent(self, name="time budget", budget=budget)

    def _harness_cell(self, name: str, number: int, source: str) -> IPyNbCell:
        """A cell the harness runs in the chapter's kernel (not part of the chapter)."""
        return IPyNbCell.from_parent(self, name=name, cell_num=number, cell=nbformat.v4.new_code_cell(source),
                                     options=defaultdict(bool, check=False))

    def setup(self):
        self.started = time.perf_counter()
        super().setup()


class TimeBudget(pytest.Item):
    """Fails when the chapter's run (kernel start to last cell) exceeded its time budget."""

    def __init__(self, *, budget: float, **kwargs):
        super().__init__(**kwargs)
        self.budget = budget

    def runtest(self):
        started = self.parent.started
        if started is None:
            pytest.skip("the chapter did not run")
        elapsed = time.perf_counter() - started
        if elapsed > self.budget:
            raise TimeBudgetExceeded(f"{self.parent.path.name} took {elapsed:.1f} s, over its budget of "
                                     f"{self.budget:.0f} s: find the slow cell with --durations")

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, TimeBudgetExceeded):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.parent.path.name}: time budget {self.budget:.0f} s"


class TimeBudgetExceeded(Exception):
    """A chapter ran longer than its budget."""


class ChapterCollector:
    """A plugin object: unlike a hook in this conftest (which pytest scopes to tests/), a registered
    plugin's ``pytest_collect_file`` sees every path, so it can collect the chapters under book/."""

    @staticmethod
    def pytest_collect_file(file_path: Path, parent):
        if is_chapter(file_path):
            return MystNotebook.from_parent(parent, path=file_path)
        return None


# Property tests explore the same examples on every run: a red CI run must be reproducible.
hypothesis.settings.register_profile("kx", derandomize=True, deadline=None)
hypothesis.settings.load_profile("kx")


def pytest_configure(config):
    # Chapters run in parallel kernels (one per xdist worker): one BLAS/OpenMP thread each avoids
    # oversubscribing the cores, which would make the time budgets depend on luck. Kernels inherit this.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if not config.pluginmanager.has_plugin("kx-chapter-collector"):
        config.pluginmanager.register(ChapterCollector(), "kx-chapter-collector")


_CHAPTER_TIME: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".md"):
        _CHAPTER_TIME[path] += report.duration


def pytest_terminal_summary(terminalreporter, config):
    # pytest loads this module twice (as the -p plugin and as tests/conftest.py): print the table once
    if not _CHAPTER_TIME or getattr(config, "_kx_times_printed", False):
        return
    config._kx_times_printed = True
    tr = terminalreporter
    tr.section("chapter execution times (sum over cells, kernel start included)")
    for path, secs in sorted(_CHAPTER_TIME.items(), key=lambda kv: -kv[1]):
        tr.write_line(f"{secs:7.1f} s  {path}")
    tr.write_line(f"{sum(_CHAPTER_TIME.values()):7.1f} s  total over {len(_CHAPTER_TIME)} chapters")
