"""The pytest plugin that runs every chapter as a test (loaded once, by ``-p tests.harness.plugin``).

Each chapter of ``_toc.yml`` is read by jupytext (no ``.ipynb`` is written) and run by nbval in one fresh
kernel, one item per code cell (``--nbval-lax``: the assertions in the cells are the test). Around the
chapter's own cells the harness adds:

* ``harness: guard seeding`` (first, in the kernel): :func:`tests.harness.inkernel.install`; after every cell
  of the chapter the guard checks that no unseeded generator drew numbers, and the cell fails if one did;
* ``harness: explorer range ends`` (in the kernel): the chapter displayed at least one explorer, and each
  draws every parameter at both ends of its range (:func:`tests.harness.inkernel.check_explorers`);
* ``harness: records`` (in the kernel): with ``KX_RECORDS=<dir>``, the chapter's check records go to
  ``<dir>/<part>/<slug>.json`` (the portability run reads them);
* ``harness: summary and output width``: the chapter's last cell displays ``kx.summary()``, and no line it
  printed is wider than 88 characters (the book's code column);
* ``harness: book cache`` (with ``KX_BOOK_CACHE=1``, which ``make test`` sets): a chapter whose every cell
  passed goes into the book's execution cache with the outputs this run produced, so a ``make book`` that
  follows executes nothing twice (see :mod:`tests.harness.build`; ``KX_RECORDS`` runs of the portability
  matrix never write there);
* ``harness: time budget``: the chapter (kernel start included) ran within its budget — 30 s, or less if its
  front matter says ``kx: {budget: 20}``; ``KX_BUDGET_SCALE`` stretches every budget (a loaded machine),
  ``KX_BUDGET_SCALE=0`` turns the budgets off (the portability run's emulated kernels are slower).

At the end, a table gives each chapter's total execution time.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import hypothesis
import nbformat
import pytest
from nbval.plugin import IPyNbCell, IPyNbFile, find_comment_markers, find_metadata_tags

from . import inkernel
from .book import KERNEL_ENV, Chapter, chapter_for

IN_KERNEL = inkernel.__name__


def kernel_call(function: Any, *args: Any) -> str:
    """Source that calls a function of :mod:`tests.harness.inkernel` in the kernel, built from the function
    object itself: renaming it breaks this module at import, not 38 chapters at run time."""
    assert function.__module__ == IN_KERNEL, function
    call = ", ".join(repr(a) for a in args)
    return f"__import__({IN_KERNEL!r}, fromlist=['_']).{function.__name__}({call})"


class ChapterFile(IPyNbFile):
    """One chapter: nbval's notebook collector over the MyST source, with the harness's items."""

    started: float | None = None
    chapter: Chapter

    def collect(self):
        nb = self.chapter.notebook()
        self.nb = nb
        yield HarnessCell.from_parent(self, name="harness: guard seeding", cell_num=-1,
                                      cell=nbformat.v4.new_code_cell(
                                          kernel_call(inkernel.install, self.chapter.uses_torch)),
                                      options=defaultdict(bool, check=False))
        number = 0
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            options = defaultdict(bool, find_metadata_tags(cell.metadata))
            options.update(dict(find_comment_markers(cell.source)))
            options.setdefault("check", self.compare_outputs)
            yield ChapterCell.from_parent(self, name=f"Cell {number}", cell_num=number, cell=cell,
                                          options=options)
            number += 1
        yield HarnessCell.from_parent(self, name="harness: explorer range ends", cell_num=number,
                                      cell=nbformat.v4.new_code_cell(kernel_call(inkernel.check_explorers)),
                                      options=defaultdict(bool, check=False))
        records = os.environ.get("KX_RECORDS")
        if records:
            target = Path(records).resolve() / f"{self.chapter.id}.json"  # the kernel runs elsewhere
            yield HarnessCell.from_parent(self, name="harness: records", cell_num=number,
                                          cell=nbformat.v4.new_code_cell(
                                              kernel_call(inkernel.write_records, str(target))),
                                          options=defaultdict(bool, check=False))
        yield ChapterOutputs.from_parent(self, name="harness: summary and output width")
        if os.environ.get("KX_BOOK_CACHE") == "1":
            yield BookCache.from_parent(self, name="harness: book cache")
        scale = float(os.environ.get("KX_BUDGET_SCALE", "1"))
        if scale > 0:
            yield TimeBudget.from_parent(self, name="harness: time budget", budget=self.chapter.budget * scale)

    def setup(self):
        self.started = time.perf_counter()
        super().setup()

    def cell_items(self) -> list[ChapterCell]:
        return [item for item in self.session.items if isinstance(item, ChapterCell) and item.parent is self]


class HarnessCell(IPyNbCell):
    """Code the harness runs in the chapter's kernel (not part of the chapter)."""


class ChapterCell(IPyNbCell):
    """A chapter's code cell; afterwards the seeding guard checks what the cell drew."""

    def runtest(self):
        super().runtest()
        cell = self.cell
        self.outputs = list(self.test_outputs)
        self.cell = nbformat.v4.new_code_cell(kernel_call(inkernel.after_cell, f"Cell {self.cell_num}"))
        try:
            super().runtest()
        finally:
            self.cell = cell


SUMMARY_MARK = 'class="kx-summary"'
#: printed output wider than this scrolls sideways in the book's code column
OUTPUT_WIDTH = 88


class ChapterOutputs(pytest.Item):
    """The chapter's last cell displays its checks summary (``kx.summary()``), and every line it printed
    fits the book's code column (check lines wrap themselves; a chapter's own prints must too)."""

    def runtest(self):
        cells = self.parent.cell_items()
        if not cells or not all(hasattr(c, "outputs") for c in cells):
            pytest.skip("the chapter did not run to the end")
        html = "".join(str(o.get("data", {}).get("text/html", "")) for o in cells[-1].outputs)
        if SUMMARY_MARK not in html:
            raise ChapterAnatomyError(f"{self.parent.path.name} does not end with kx.summary()")
        wide = [(c.name, line) for c in cells for o in c.outputs if o.get("output_type") == "stream"
                for line in o.get("text", "").splitlines() if len(line) > OUTPUT_WIDTH]
        if wide:
            shown = "\n".join(f"  {name}: {line[:100]}…" for name, line in wide[:5])
            raise ChapterAnatomyError(f"{self.parent.path.name} prints {len(wide)} line(s) wider than "
                                      f"{OUTPUT_WIDTH} characters (the code column scrolls):\n{shown}")

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ChapterAnatomyError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.parent.path.name}: summary and output width"


class ChapterAnatomyError(Exception):
    """A chapter lacks a part every chapter has."""


class BookCache(pytest.Item):
    """Put the chapter, executed by this run, into the book's execution cache (only if every cell passed)."""

    def runtest(self):
        cells = self.parent.cell_items()
        failed = str(self.parent.path) in self.session.stash.get(FAILED_CHAPTERS, set())
        if failed or not cells or not all(hasattr(c, "outputs") for c in cells):
            pytest.skip("the chapter did not pass: the book build will execute it")
        from .build import cache_executed

        seconds = time.perf_counter() - (self.parent.started or time.perf_counter())
        cache_executed(self.parent.chapter, [c.outputs for c in cells], seconds)


class TimeBudget(pytest.Item):
    """Fails when the chapter's run (kernel start to last cell) exceeded its time budget."""

    def __init__(self, *, budget: float, **kwargs: Any):
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


def pytest_collect_file(file_path: Path, parent):
    # A plugin's hook sees every path (a conftest's would be scoped to its own directory).
    if file_path.suffix != ".md":
        return None
    chapter = chapter_for(file_path)
    if chapter is None:
        return None
    item = ChapterFile.from_parent(parent, path=file_path)
    item.chapter = chapter
    return item


def pytest_configure(config):
    # Property tests explore the same examples on every run: a red CI run must be reproducible.
    hypothesis.settings.register_profile("kx", derandomize=True, deadline=None)
    hypothesis.settings.load_profile("kx")
    # Chapters run in parallel kernels (one per xdist worker): one BLAS/OpenMP thread each unless the
    # caller says otherwise (the portability run tries 2). Kernels inherit this.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    # nbval starts each chapter's kernel with this process's environment
    for var, value in KERNEL_ENV.items():
        os.environ[var] = os.pathsep.join(filter(None, [value, os.environ.get(var)]))
    if os.environ.get("KX_BOOK_CACHE") == "1" and not hasattr(config, "workerinput"):
        from .build import invalidate

        invalidate()  # the cache must match kx_helpers & co. before this run writes into it


_CHAPTER_TIME: dict[str, float] = defaultdict(float)
FAILED_CHAPTERS = pytest.StashKey[set]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and isinstance(item.parent, ChapterFile):
        item.session.stash.setdefault(FAILED_CHAPTERS, set()).add(str(item.parent.path))


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".md"):
        _CHAPTER_TIME[path] += report.duration


def pytest_terminal_summary(terminalreporter, config):
    if not _CHAPTER_TIME:
        return
    tr = terminalreporter
    tr.section("chapter execution times (sum over cells, kernel start included)")
    for path, secs in sorted(_CHAPTER_TIME.items(), key=lambda kv: -kv[1]):
        tr.write_line(f"{secs:7.1f} s  {path}")
    tr.write_line(f"{sum(_CHAPTER_TIME.values()):7.1f} s  total over {len(_CHAPTER_TIME)} chapters")
