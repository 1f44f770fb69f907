"""The book's benchmark: ``make bench`` writes bench/results.md and prints it.

Every figure is a ratio to something measured in the same run, so the table means the same on a busy or a
quiet machine:

* per chapter: its execution time in a fresh kernel (median of ``--repeat`` runs), its number of checks, its
  HTML page weight, and for each explorer the median live redraw divided by **matplotlib's floor** — a bare
  explorer figure with the same number of axes, size and dpi (two lines, a title and axis labels per axes),
  redrawn in the same kernel, alternating with the redraws. A redraw cannot beat rasterising its axes; the
  ratio is what the chapter's own ``draw()`` adds;
* the **serial floor**: the sum of the chapters' median run times (what executing them one after another
  costs);
* cold ``make book`` (empty cache), a no-change cached rebuild, and ``make test``, as ratios to the serial
  floor and to the cold build.

Targets (marked ✗ when missed): redraw ratio median ≤ 1.3, none above 2.0; cold build ≤ 0.65× serial floor;
make test ≤ 0.65× serial floor; cached rebuild ≤ 5% of the cold build; every chapter ≤ 30 s, median ≤ 10 s.
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench/run.py is run as a script; the harness lives in tests/harness

from tests.harness.book import Chapter, chapters, run_chapter  # noqa: E402

HTML = ROOT / "_build" / "html"

# Runs in the chapter's kernel after its last cell: each explorer's live redraw (one slider move = one
# render_png call) over a sample of its static grid, how much of it the chapter's draw() takes, and the
# floor: a bare figure of the same size, dpi and number of axes, redrawn the same way. Floor and redraw
# renders alternate, so a slow spell of the machine slows both and leaves their ratio alone.
PROBE = r"""
import gc as _gc, time as _t, statistics as _s, numpy as _np, kx_helpers as _kx
_x = _np.linspace(0, 1, 200)
def _floor_explorer(n_axes, figsize, dpi):
    def _draw(fig, a):
        for _ax in _np.atleast_1d(fig.subplots(1, n_axes)):
            _ax.plot(_x, _np.sin(a * _x)); _ax.plot(_x, _np.cos(a * _x))
            _kx.set_labels(_ax, f"a = {a:.2f}", "x", "y")
    _f = _kx.explore(_draw, a=(0.0, 1.0, 0.1), figsize=figsize, dpi=dpi)
    _f.render_png()
    return _f
def _time(render, **values):
    _t0 = _t.perf_counter(); render(**values); return _t.perf_counter() - _t0
_res = []
for _e in [o for o in _gc.get_objects() if isinstance(o, _kx.Explorer)]:
    _names = [p.name for p in _e.params]
    _pts = [pt for pt in _e.static_grid() if pt != tuple(_e.defaults().values())]
    _pts = (_pts[:: max(1, len(_pts) // 9)][:9] or [tuple(_e.defaults().values())])
    _n = max(1, len(_e._fig.axes))
    _f = _floor_explorer(_n, _e.figsize, _e.dpi)
    _inner, _draw = [], _e.draw
    def _timed(*a, **k):
        _t0 = _t.perf_counter(); _draw(*a, **k); _inner.append(_t.perf_counter() - _t0)
    _e.draw = _timed
    _r, _fl = [], []
    for _i, _pt in enumerate((_pts * 5)[:max(5, len(_pts))]):  # at least 5 pairs
        _r.append(_time(_e.render_png, **dict(zip(_names, _pt))))
        _fl.append(_time(_f.render_png, a=round(0.1 * (_i % 10 + 1), 1)))
    _e.draw = _draw
    _res.append((_s.median(_r), _s.median(_inner), _n, _s.median(_fl)))
print("KXBENCH", _res)
"""


def run(chapter: Chapter, probe: bool) -> tuple[float, int, list[tuple[float, float, int, float]]]:
    """(seconds, number of checks, [(redraw, of which draw(), axes, floor) per explorer])."""
    result = run_chapter(chapter, after=[PROBE] if probe else [])
    explorers: list = []
    if probe:
        text = "".join(o.get("text", "") for o in result.notebook.cells[-1].outputs)
        m = re.search(r"KXBENCH (.*)", text)
        explorers = ast.literal_eval(m.group(1)) if m else []
    return result.seconds, len(result.check_lines()), explorers


def page_weight(chapter: Chapter) -> int | None:
    page = HTML / chapter.path.relative_to(ROOT).with_suffix(".html")
    if not page.exists():
        return None
    html = page.read_text(encoding="utf-8")
    total = len(html.encode())
    for src in set(re.findall(r'<img[^>]+src="([^"]+)"', html)):
        f = (page.parent / src).resolve()
        if not src.startswith("data:") and f.exists():
            total += f.stat().st_size
    return total


def timed(cmd: list[str]) -> float:
    """Wall time of a command; a failing command is reported (with its log tail), never timed as a success."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-20:])
        raise SystemExit(f"bench: {' '.join(cmd)} failed (exit {proc.returncode}):\n{tail}")
    return time.perf_counter() - t0


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="fresh-kernel runs per chapter (median)")
    ap.add_argument("--only", default="", help="only chapters whose path contains this text")
    ap.add_argument("--skip-builds", action="store_true", help="skip the book builds and make test")
    args = ap.parse_args()

    rows, floor = [], 0.0
    for chapter in [c for c in chapters() if args.only in str(c.path)]:
        times, checks, explorers = [], 0, []
        for k in range(args.repeat):
            t, checks, e = run(chapter, probe=(k == 0))
            times.append(t)
            explorers = e or explorers
        med = statistics.median(times)
        floor += med
        rows.append((chapter, med, checks, explorers))
        ratios = ", ".join(f"{r / f:.2f}" for r, _, _, f in explorers)
        print(f"{med:6.1f} s  {checks:3d} checks  redraw/floor {ratios:10s} {chapter.id}", file=sys.stderr,
              flush=True)
    builds: dict[str, float] = {}
    if args.only:  # a partial run is printed, never written over the full results
        print(report(args, rows, floor, builds))
        return
    if not args.skip_builds:
        write(report(args, rows, floor, builds))  # the chapter table is kept even if a build fails below
        shutil.rmtree(ROOT / "_build", ignore_errors=True)
        builds["cold"] = timed(["make", "book"])
        builds["cached"] = timed(["make", "book"])
        builds["test"] = timed(["make", "test"])
    write(report(args, rows, floor, builds))


def write(out: str) -> None:
    (ROOT / "bench" / "results.md").write_text(out)
    print(out)


def report(args: argparse.Namespace, rows: list, floor: float, builds: dict[str, float]) -> str:
    """The results table (markdown)."""
    lines = ["# Benchmark", "", f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on "
             f"{_machine()}, {args.repeat} fresh-kernel run(s) per chapter.", "",
             "| chapter | run (s) | checks | page (KB) | redraw (ms) | floor (ms) | redraw / floor | draw() (ms) "
             "| axes |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    ratios = []
    for chapter, med, checks, explorers in rows:
        weight = page_weight(chapter)
        ratios += [(r / f, chapter.id) for r, _, _, f in explorers]

        def cells(fmt, explorers=explorers):
            return ", ".join(fmt(*e) for e in explorers) or "–"

        lines.append(f"| {chapter.id} | {med:.1f} {mark(med <= 30)} | {checks} | "
                     f"{'–' if weight is None else f'{weight / 1024:.0f}'} | "
                     f"{cells(lambda r, d, n, f: f'{1000 * r:.0f}')} | {cells(lambda r, d, n, f: f'{1000 * f:.0f}')} | "
                     f"{cells(lambda r, d, n, f: f'{r / f:.2f} {mark(r / f <= 2.0)}')} | "
                     f"{cells(lambda r, d, n, f: f'{1000 * d:.0f}')} | {cells(lambda r, d, n, f: str(n))} |")
    meds = [r[1] for r in rows]
    lines += ["", "| figure | value | target |", "|---|---:|---|",
              f"| serial floor (sum of chapter medians) | {floor:.1f} s | |"]
    if meds:
        median = statistics.median(meds)
        lines.append(f"| median chapter | {median:.1f} s | ≤ 10 s {mark(median <= 10)} |")
        lines.append(f"| slowest chapter | {max(meds):.1f} s | ≤ 30 s {mark(max(meds) <= 30)} |")
    if ratios:
        med_ratio = statistics.median(r for r, _ in ratios)
        worst = max(ratios)
        lines.append(f"| redraw / matplotlib floor, median | {med_ratio:.2f} | ≤ 1.3 {mark(med_ratio <= 1.3)} |")
        lines.append(f"| redraw / matplotlib floor, worst ({worst[1]}) | {worst[0]:.2f} | ≤ 2.0 "
                     f"{mark(worst[0] <= 2.0)} |")
    if builds:
        cold, cached, test = builds["cold"], builds["cached"], builds["test"]
        lines.append(f"| cold make book | {cold:.1f} s = {cold / floor:.2f}× serial floor | ≤ 0.65× "
                     f"{mark(cold <= 0.65 * floor)} |")
        lines.append(f"| cached rebuild (no change) | {cached:.1f} s = {100 * cached / cold:.1f}% of cold | ≤ 5% "
                     f"{mark(cached <= 0.05 * cold)} |")
        lines.append(f"| make test | {test:.1f} s = {test / floor:.2f}× serial floor | ≤ 0.65× "
                     f"{mark(test <= 0.65 * floor)} |")
    return "\n".join(lines) + "\n"


def _machine() -> str:
    import os

    return f"{os.cpu_count()} cores"


if __name__ == "__main__":
    main()
