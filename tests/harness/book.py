"""What a chapter is and how to run one: the single definition every consumer uses.

A chapter is an entry ``book/<part>/<slug>`` of ``_toc.yml`` whose MyST file declares a kernel (part
overviews and the pages under "About the book" do not). Adding a chapter means adding it to ``_toc.yml`` and
writing the file; ``tests/test_book.py`` fails for a notebook under ``book/`` that the table of contents
does not list.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[2]
#: The table of contents; ``KX_TOC`` points the harness at another book (its chapters are relative to it).
TOC = Path(os.environ.get("KX_TOC") or ROOT / "_toc.yml").resolve()
#: a chapter's time budget (kernel start included) unless its front matter sets a smaller ``kx: {budget: …}``
DEFAULT_BUDGET_S = 30.0
#: Environment for every kernel the harness starts: the kernel can import ``tests.harness.inkernel``.
KERNEL_ENV = {"PYTHONPATH": str(ROOT)}
#: The kernels the build and the tests start use transport encryption (``kx_helpers/_provisioner.py``): over
#: plain TCP every kernel logs a warning at start. Set before any kernel manager exists in this process.
os.environ.setdefault("JUPYTER_DEFAULT_PROVISIONER_NAME", "kx-encrypted-local")
#: Chapters draw with matplotlib's inline backend, which ipykernel chooses only when ``MPLBACKEND`` is unset:
#: a caller's ``MPLBACKEND=Agg`` (usual on headless CI) would leave every figure out of the executed chapters,
#: and so out of the book, with every check still passing. Kernels inherit this process's environment.
if "inline" not in os.environ.get("MPLBACKEND", "inline"):
    del os.environ["MPLBACKEND"]


@dataclass(frozen=True)
class Chapter:
    """One chapter of the book: its table-of-contents entry and its MyST source."""

    docname: str  # "book/probability/gaussian-divergences"
    path: Path

    @property
    def part(self) -> str:
        return self.docname.split("/")[1]

    @property
    def slug(self) -> str:
        return self.docname.rsplit("/", 1)[-1]

    @property
    def id(self) -> str:
        """``<part>/<slug>``, how reports name the chapter."""
        return f"{self.part}/{self.slug}"

    def notebook(self) -> nbformat.NotebookNode:
        """The chapter as a notebook (read by jupytext; nothing is written to disk)."""
        return jupytext.read(self.path, fmt="md:myst")

    @cached_property
    def source(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def uses_torch(self) -> bool:
        return "import torch" in self.source

    @property
    def budget(self) -> float:
        """Seconds the chapter may take in ``make test`` (kernel start included)."""
        meta = self.notebook().metadata.get("kx", {})
        return min(float(meta.get("budget", DEFAULT_BUDGET_S)), DEFAULT_BUDGET_S)


def toc_parts(toc: Path = TOC) -> list[tuple[str, list[str]]]:
    """``(caption, [docname, ...])`` for every part of the table of contents, in order."""
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))

    def files(entries: Iterable[Mapping[str, Any]]) -> list[str]:
        out: list[str] = []
        for entry in entries or []:
            if "file" in entry:
                out.append(str(entry["file"]).removesuffix(".md"))
            out += files(entry.get("sections", []))
        return out

    return [(part.get("caption", ""), files(part.get("chapters", []))) for part in data.get("parts", [])]


def is_notebook(path: Path) -> bool:
    """A MyST file whose front matter declares a kernel (jupytext header with a kernelspec)."""
    if path.suffix != ".md" or not path.is_file():
        return False
    head = path.read_text(encoding="utf-8")[:800]
    return head.startswith("---") and "jupytext:" in head and "kernelspec:" in head


def chapters(toc: Path = TOC) -> list[Chapter]:
    """Every chapter, in the book's order."""
    out = []
    for _, docnames in toc_parts(toc):
        for docname in docnames:
            path = toc.parent / f"{docname}.md"
            if docname.count("/") == 2 and docname.startswith("book/") and is_notebook(path):
                out.append(Chapter(docname, path))
    return out


def chapter_for(path: Path) -> Chapter | None:
    """The chapter whose source is ``path``, or None."""
    resolved = path.resolve()
    return next((c for c in chapters() if c.path.resolve() == resolved), None)


@dataclass
class Run:
    """A chapter executed in a fresh kernel."""

    chapter: Chapter
    notebook: nbformat.NotebookNode
    seconds: float  # kernel start to the end of the last chapter cell

    def stream_text(self) -> str:
        return "".join(o.get("text", "") for c in self.notebook.cells if c.cell_type == "code"
                       for o in c.outputs if o.get("output_type") == "stream")

    def check_lines(self) -> list[str]:
        """The first line of every check the chapter printed (``✓ …``)."""
        return [line for line in self.stream_text().splitlines() if line.startswith("✓")]


def code_cell(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source)


def run_chapter(chapter: Chapter, *, skip: Any = None, after: Iterable[str] = (), timeout: int = 600,
                env: Mapping[str, str] | None = None) -> Run:
    """Execute ``chapter`` top to bottom in a fresh kernel (its own directory as working directory).

    Parameters
    ----------
    skip : callable, optional
        ``skip(cell) -> bool``: code cells to leave out (e.g. explorers, when only check values matter).
    after : iterable of str
        Extra code run in the same kernel after the chapter (appended as cells; not timed).
    env : mapping, optional
        Extra environment variables for the kernel.
    """
    from nbclient import NotebookClient

    nb = chapter.notebook()
    if skip is not None:
        nb.cells = [c for c in nb.cells if not (c.cell_type == "code" and skip(c))]
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(chapter.path.parent)}})
    kernel_env = {**os.environ, **KERNEL_ENV, **(env or {})}
    start = time.perf_counter()
    with client.setup_kernel(env=kernel_env):
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, i)
        seconds = time.perf_counter() - start
        for source in after:
            nb.cells.append(code_cell(source))
            client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
    return Run(chapter, nb, seconds)
