"""The book's benchmark: ``make bench`` writes bench/results.md and prints it.

Measures, in one run (ratios are what matter on a shared machine):

* per chapter: execution time in a fresh kernel (median of ``--repeat`` runs), number of checks,
  HTML page weight (page + images), and for its explorer(s) the median live redraw and the frame rendering time;
* the floor: the sum of the per-chapter medians (serial execution);
* cold ``make book`` (empty cache) and a no-change cached rebuild, and ``make test``; their ratios to the floor.

Targets (marked ✗ when missed): cold build ≤ 1.5× floor; cached rebuild ≤ 10% of cold; make test ≤ 0.8×
floor; every chapter ≤ 30 s, median chapter ≤ 10 s; every live redraw ≤ 100 ms (median).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import jupytext
import yaml
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"

PROBE = r"""
import time as _t, statistics as _s, kx_helpers as _kx
_ex = [o for o in Out.values() if isinstance(o, _kx.Explorer)]
_res = []
for _e in _ex:
    _e.render_png()
    _r = []
    for _ in range(5):
        _t0 = _t.perf_counter(); _e.render_png(); _r.append(_t.perf_counter() - _t0)
    _e._frames = None
    _t0 = _t.perf_counter(); _e.frames(); _f = _t.perf_counter() - _t0
    _res.append((_s.median(_r), _f, len(_e.static_grid())))
print("KXBENCH", _res)
"""


def chapters() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    out = []
    for f in files:
        p = ROOT / f"{f}.md"
        if p.exists() and "jupytext:" in p.read_text()[:600]:
            out.append(p)
    return out


def run_chapter(path: Path, probe: bool) -> tuple[float, int, list]:
    nb = jupytext.read(path, fmt="md:myst")
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    t0 = time.perf_counter()
    with client.setup_kernel():
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, i)
        elapsed = time.perf_counter() - t0
        widgets: list = []
        if probe:
            cell = jupytext.reads("```{code-cell} ipython3\n" + PROBE + "\n```", fmt="md:myst").cells[0]
            nb.cells.append(cell)
            client.execute_cell(cell, len(nb.cells) - 1)
            text = "".join(o.get("text", "") for o in cell.outputs)
            m = re.search(r"KXBENCH (.*)", text)
            widgets = eval(m.group(1)) if m else []  # noqa: S307 - our own probe's repr of floats
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                   if o.get("output_type") == "stream")
    checks = sum(1 for line in text.splitlines() if line.startswith("✓"))
    return elapsed, checks, widgets


def page_weight(path: Path) -> int | None:
    page = HTML / path.relative_to(ROOT).with_suffix(".html")
    if not page.exists():
        return None
    html = page.read_text(encoding="utf-8")
    total = len(html.encode())
    for src in set(re.findall(r'<img[^>]+src="([^"]+)"', html)):
        if src.startswith("data:"):
            continue
        f = (page.parent / src).resolve()
        if f.exists():
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
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3, help="fresh-kernel runs per chapter (median)")
    ap.add_argument("--skip-builds", action="store_true", help="skip cold/cached book builds and make test")
    args = ap.parse_args()

    rows, floor = [], 0.0
    for path in chapters():
        times, checks, widgets = [], 0, []
        for k in range(args.repeat):
            t, checks, w = run_chapter(path, probe=(k == 0))
            times.append(t)
            widgets = w or widgets
        med = statistics.median(times)
        floor += med
        rows.append((path.relative_to(ROOT / "book").with_suffix(""), med, checks, widgets))
        print(f"{med:6.1f} s  {checks:3d} checks  {path.name}", file=sys.stderr, flush=True)

    builds = {}
    if not args.skip_builds:
        shutil.rmtree(ROOT / "_build", ignore_errors=True)
        builds["cold make book"] = timed(["make", "book"])
        builds["cached make book (no change)"] = timed(["make", "book"])
        builds["make test (-n auto)"] = timed(["make", "test"])

    meds = [r[1] for r in rows]
    lines = ["# Benchmark", "", f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
             f"{args.repeat} fresh-kernel run(s) per chapter.", "",
             "| chapter | run (s) | checks | page (KB) | live redraw (ms) | frames (s) |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, med, checks, widgets in rows:
        weight = page_weight(ROOT / "book" / f"{name}.md")
        redraw = ", ".join(f"{1000 * w[0]:.0f} {mark(w[0] <= 0.1)}" for w in widgets) or "–"
        frames = ", ".join(f"{w[1]:.1f} ({w[2]})" for w in widgets) or "–"
        lines.append(f"| {name} | {med:.1f} {mark(med <= 30)} | {checks} | "
                     f"{'–' if weight is None else f'{weight / 1024:.0f}'} | {redraw} | {frames} |")
    lines += ["", "| figure | value | target |", "|---|---:|---|"]
    lines.append(f"| floor (sum of chapter medians) | {floor:.1f} s | |")
    if meds:
        lines.append(f"| median chapter | {statistics.median(meds):.1f} s | ≤ 10 s "
                     f"{mark(statistics.median(meds) <= 10)} |")
        lines.append(f"| slowest chapter | {max(meds):.1f} s | ≤ 30 s {mark(max(meds) <= 30)} |")
    if builds:
        cold = builds["cold make book"]
        cached = builds["cached make book (no change)"]
        test = builds["make test (-n auto)"]
        lines.append(f"| cold make book | {cold:.1f} s = {cold / floor:.2f}× floor | ≤ 1.5× "
                     f"{mark(cold <= 1.5 * floor)} |")
        lines.append(f"| cached rebuild | {cached:.1f} s = {100 * cached / cold:.1f}% of cold | ≤ 10% "
                     f"{mark(cached <= 0.1 * cold)} |")
        lines.append(f"| make test | {test:.1f} s = {test / floor:.2f}× floor | ≤ 0.8× {mark(test <= 0.8 * floor)} |")
    out = "\n".join(lines) + "\n"
    (ROOT / "bench" / "results.md").write_text(out)
    print(out)


if __name__ == "__main__":
    main()
