"""``make lint`` for the chapters: ruff over every code cell, and the book's own rules for chapter code.

Each chapter is converted by jupytext to a notebook in a temporary directory (nothing is written to the
tree) and ruff checks it with the project's rules (``[tool.ruff]`` in ``pyproject.toml``) and a line length
of :data:`WIDTH`: the HTML book's code column shows about 88 characters before a scroll bar hides the rest.
Ruff knows notebooks, so the last expression of a cell is not a "useless expression" and imports may open
any cell. Its findings are reported at the line of the chapter's ``.md`` file. Two rules of the book's own
come on top:

* ``KX001`` — a code cell longer than :data:`MAX_CELL_LINES` lines, unless it draws a figure (a cell that
  calls ``kx.figure``, ``fig.subplots`` or ``kx.explore``): one idea per cell;
* ``KX002`` — ``kx.check_true(label, bool(...))``: the wrapper is needless, ``check_true`` takes numpy's
  booleans too.

Usage: ``python -m tests.harness.lint [chapter.md ...]`` (default: every chapter); exit status 1 on findings.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jupytext

from .book import ROOT, chapters

WIDTH = 88
MAX_CELL_LINES = 30
FIGURE_CELL = re.compile(r"kx\.figure\(|fig\.subplots\(|kx\.explore\(|plt\.subplots\(")
NEEDLESS_BOOL = re.compile(r"check_true\([^()]*(?:\([^()]*\)[^()]*)*,\s*bool\(")


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.code} {self.message}"


def cell_lines(path: Path) -> dict[int, int]:
    """For every code cell (by its index among all the notebook's cells), the .md line number (1-based)
    of its first source line."""
    text = path.read_text(encoding="utf-8").splitlines()
    nb = jupytext.read(path, fmt="md:myst")
    starts, line = {}, 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        while not text[line].startswith("```{code-cell}"):
            line += 1
        first = cell.source.splitlines()[0] if cell.source.strip() else ""
        body = line + 1
        while body < len(text) and text[body] != first:
            body += 1
        starts[index] = body + 1
        line = body
    return starts


def own_rules(path: Path) -> list[Finding]:
    nb = jupytext.read(path, fmt="md:myst")
    found = []
    for index, start in cell_lines(path).items():
        cell = nb.cells[index]
        n = len(cell.source.splitlines())
        if n > MAX_CELL_LINES and not FIGURE_CELL.search(cell.source):
            found.append(Finding(path, start, "KX001", f"code cell of {n} lines (at most {MAX_CELL_LINES} "
                                 "unless it draws a figure): split it, one idea per cell"))
        for m in NEEDLESS_BOOL.finditer(cell.source):
            found.append(Finding(path, start + cell.source[:m.end()].count("\n"), "KX002",
                                 "needless bool(...) around a check_true condition"))
    return found


def ruff(paths: list[Path]) -> list[Finding]:
    with tempfile.TemporaryDirectory() as tmp:
        notebooks = {}
        for path in paths:
            target = Path(tmp) / path.relative_to(ROOT).with_suffix(".ipynb")
            target.parent.mkdir(parents=True, exist_ok=True)
            jupytext.write(jupytext.read(path, fmt="md:myst"), target, fmt="ipynb")
            notebooks[target.resolve()] = path
        proc = subprocess.run([str(Path(sys.executable).parent / "ruff"), "check", "--config",
                               str(ROOT / "pyproject.toml"), "--config", f"line-length = {WIDTH}",
                               "--output-format", "json", "--no-cache", *map(str, notebooks)],
                              capture_output=True, text=True)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"ruff failed: {proc.stderr}")
        found = []
        starts = {path: cell_lines(path) for path in paths}
        for d in json.loads(proc.stdout or "[]"):
            path = notebooks[Path(d["filename"]).resolve()]
            cell = d.get("cell") or 1
            line = starts[path][cell - 1] + d["location"]["row"] - 1  # ruff counts cells from 1
            found.append(Finding(path, line, d["code"], d["message"]))
        return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a).resolve() for a in args] or [c.path for c in chapters()]
    findings = sorted(ruff(paths) + [f for p in paths for f in own_rules(p)], key=lambda f: (str(f.path), f.line))
    for f in findings:
        print(f)
    print(f"chapter lint: {len(findings)} finding(s) in {len(paths)} chapter(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
