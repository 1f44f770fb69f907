"""``make portability``: every chapter and the unit tests under numerical environments that stand in for
other people's machines, and each check's use of its tolerance across all of them.

Another CPU, BLAS kernel or thread count changes the last digits of a computation; the book's checks must
not care. Each *variant* below runs the whole test suite (``pytest``, as ``make test`` does, the time
budgets off) with a few environment variables set, and the harness saves every check's record
(``KX_RECORDS``). The report then gives, per check, the worst use of its tolerance over all variants, and
the run fails when

* a variant's test run fails (a check, a cell, a unit test);
* a computed comparison (``check_close``) uses more than half of its tolerance in some variant: it must
  pass with 2× headroom, for reasons, not by luck of one machine's rounding;
* a value quoted from an article (``check_quoted``) lies within a millionth of its rounding interval of the
  interval's edge in some variant. Where a number sits inside the interval its printed digits allow is a
  property of the number (−2.1806071 is 0.58 of a half unit from a printed −2.18061), not of the arithmetic;
  what another machine's last digits could change is only a value at the very edge;
* a negative control judged by such a check is rejected by less than 2× its tolerance somewhere;
* a Monte Carlo check's z-score moves by 0.1 or more between variants: with a fixed seed it is a property
  of the draw, and the arithmetic must not change it (its limit is not the portability run's business).

The variants: OpenBLAS's kernels (``OPENBLAS_CORETYPE``: SSE-only Prescott, AVX2 Haswell, AVX-512
SkylakeX where the CPU has it, and the CPU's own choice — each unless it is the native one), numpy's SIMD
dispatch switched off (``NPY_DISABLE_CPU_FEATURES``), torch's and MKL's generic kernels
(``ATEN_CPU_CAPABILITY=default``, ``MKL_ENABLE_INSTRUCTIONS=SSE4_2``), and two threads for BLAS, OpenMP
and torch (what a reader's Jupyter gets on a multi-core machine; ``make test`` uses one per kernel only for
speed).

Usage: ``python -m tests.harness.portability [--only VARIANT ...] [--reuse-native] [-- pytest args]``.
``--reuse-native`` takes the native variant's records from a ``make test`` run just made (CI does this,
so the plain test run counts as the native variant). Results go to ``_build/portability/``.
"""

from __future__ import annotations

import argparse
import ctypes
import glob
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .book import ROOT

OUT = ROOT / "_build" / "portability"
#: a deterministic check must leave this much of its tolerance unused in every variant
HEADROOM = 2.0
#: the largest move of a Monte Carlo z-score between variants
Z_SPREAD = 0.1
#: a quoted value must stay this far (as a fraction of its half unit) from the edge of its rounding interval
QUOTED_EDGE = 1e-6
DETERMINISTIC = {"close", "quoted"}


@dataclass(frozen=True)
class Variant:
    name: str
    env: dict[str, str | None]  # None: unset
    what: str


def openblas_core() -> str | None:
    """The OpenBLAS kernel numpy's bundled OpenBLAS uses in this process (None if it cannot be asked)."""
    import numpy as np

    for lib in glob.glob(str(Path(np.__file__).parent.parent / "numpy.libs" / "libscipy_openblas*.so")):
        for name in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename"):
            fn = getattr(ctypes.CDLL(lib), name, None)
            if fn is not None:
                fn.restype = ctypes.c_char_p
                return fn().decode()
    return None


def numpy_dispatch_features() -> list[str]:
    """numpy's SIMD targets above its baseline that this CPU runs (what NPY_DISABLE_CPU_FEATURES can turn off)."""
    import numpy as np

    umath = np._core._multiarray_umath
    found = getattr(umath, "__cpu_features__", {})
    return [f for f in getattr(umath, "__cpu_dispatch__", []) if found.get(f)]


def cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    line = next((ln for ln in text.splitlines() if ln.startswith("flags")), "")
    return set(line.split(":", 1)[-1].split())


def core_with(env: dict[str, str | None]) -> str | None:
    """The OpenBLAS kernel a fresh interpreter gets with ``env`` applied (None: unset the variable)."""
    full = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    proc = subprocess.run([sys.executable, "-c", "from tests.harness.portability import openblas_core; "
                           "print(openblas_core())"], cwd=ROOT, env=full, capture_output=True, text=True)
    return proc.stdout.strip() or None


def variants() -> list[Variant]:
    """The matrix for this machine: ``native`` is the environment as given (what ``make test`` gets);
    each OpenBLAS kernel that differs from native's is a variant of its own, including the one the CPU
    picks when ``OPENBLAS_CORETYPE`` is unset (a machine may set it, as this kind of machine does)."""
    native = core_with({})
    auto = core_with({"OPENBLAS_CORETYPE": None})
    out = [Variant("native", {}, f"this environment as it is (OpenBLAS {native or '?'}), one thread per kernel")]
    kernels = {"Prescott": "SSE-only", "Haswell": "AVX2"}
    if "avx512f" in cpu_flags():
        kernels["SkylakeX"] = "AVX-512"
    if auto and auto not in kernels:
        kernels[auto] = "the CPU's own choice"
    for kernel, what in kernels.items():
        if kernel == native:
            continue
        own = " — the CPU's own choice" if kernel == auto else ""
        out.append(Variant(f"openblas-{kernel.lower()}", {"OPENBLAS_CORETYPE": kernel},
                           f"OpenBLAS {what} kernels{own}"))
    features = numpy_dispatch_features()
    if features:
        out.append(Variant("numpy-baseline", {"NPY_DISABLE_CPU_FEATURES": " ".join(features)},
                           f"numpy's SIMD dispatch off ({', '.join(features)})"))
    out.append(Variant("torch-generic", {"ATEN_CPU_CAPABILITY": "default", "MKL_ENABLE_INSTRUCTIONS": "SSE4_2"},
                       "torch's generic ATen kernels, MKL's SSE4.2 kernels"))
    out.append(Variant("threads-2", {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"},
                       "two threads for OpenMP, OpenBLAS, MKL and torch"))
    return out


def run_variant(variant: Variant, pytest_args: list[str], out: Path) -> tuple[int, float, str]:
    """Run the test suite in ``variant``; return (exit code, seconds, the log's tail)."""
    records = out / variant.name
    if records.exists():
        for f in records.rglob("*.json"):
            f.unlink()
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           **variant.env, "KX_RECORDS": str(records), "KX_BUDGET_SCALE": "0"}
    env = {k: v for k, v in env.items() if v is not None}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", *pytest_args], cwd=ROOT,
                          env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    log = proc.stdout + proc.stderr
    (out / f"{variant.name}.log").write_text(log)
    return proc.returncode, seconds, "\n".join(log.splitlines()[-25:])


def load(records: Path) -> dict[tuple[str, int, str], dict[str, Any]]:
    """(chapter, position, label) → record, for one variant's run."""
    rows = {}
    for f in sorted(records.rglob("*.json")):
        chapter = f.relative_to(records).with_suffix("").as_posix()
        for i, row in enumerate(json.loads(f.read_text())):
            rows[(chapter, i, row["label"])] = row
    return rows


def analyse(names: list[str], out: Path) -> tuple[list[str], list[str]]:
    """The report (markdown lines) and the problems found, over the records of ``names``."""
    runs = {n: load(out / n) for n in names}
    keys = sorted(set().union(*runs.values()), key=lambda k: (k[0], k[1]))
    problems: list[str] = []
    deterministic, controls, mc = [], [], []
    for key in keys:
        rows = {n: runs[n][key] for n in names if key in runs[n]}
        missing = [n for n in names if key not in runs[n]]
        if missing:
            problems.append(f"{key[0]}: check '{key[2]}' failed (or did not run) in {', '.join(missing)}")
        kinds = {r["kind"] for r in rows.values()}
        kind = kinds.pop() if len(kinds) == 1 else "mixed"
        used = {n: r["used"] for n, r in rows.items() if r["used"] is not None}
        if kind in DETERMINISTIC and used:
            worst = max(used, key=used.get)
            deterministic.append((used[worst], worst, key, kind))
            if kind == "quoted" and used[worst] > 1 - QUOTED_EDGE:
                problems.append(f"{key[0]}: quoted '{key[2]}' sits at the edge of its rounding interval in {worst} "
                                f"(uses {used[worst]:.7f} of its half unit)")
            elif kind == "close" and used[worst] > 1 / HEADROOM:
                problems.append(f"{key[0]}: '{key[2]}' uses {used[worst]:.0%} of its tolerance in {worst} "
                                f"(more than 1/{HEADROOM:g})")
        elif kind == "negative control" and used:
            by = {r.get("rejected_by") for r in rows.values()}
            weakest = min(used, key=used.get)
            controls.append((used[weakest], weakest, key, by))
            if by <= DETERMINISTIC and used[weakest] < HEADROOM:
                problems.append(f"{key[0]}: negative control '{key[2]}' is rejected by only {used[weakest]:.2g}× "
                                f"its tolerance in {weakest} (less than {HEADROOM:g}×)")
        elif kind == "monte carlo":
            z = {n: r["value"] for n, r in rows.items()}
            spread = max(z.values()) - min(z.values())
            mc.append((spread, key, z))
            if spread >= Z_SPREAD:
                problems.append(f"{key[0]}: Monte Carlo check '{key[2]}' has z from {min(z.values()):+.3f} to "
                                f"{max(z.values()):+.3f} across variants (moves by {spread:.3g} ≥ {Z_SPREAD})")
    lines = [f"{len(keys)} checks in {len({k[0] for k in keys})} chapters over {len(names)} variants "
             f"({', '.join(names)}): {len(deterministic)} with a tolerance (close, quoted), {len(mc)} Monte "
             f"Carlo, {len(controls)} negative controls with a measured rejection.", ""]
    lines += ["Smallest headroom (deterministic checks; worst variant):", "",
              "| used | headroom | variant | chapter | check |", "|---:|---:|---|---|---|"]
    for used, worst, key, _ in sorted((d for d in deterministic if d[3] == "close"), reverse=True)[:15]:
        head = "∞" if used == 0 else f"{1 / used:.3g}×"
        lines.append(f"| {used:.2%} | {head} | {worst} | {key[0]} | {key[2][:70]} |")
    quoted = sorted((d for d in deterministic if d[3] == "quoted"), reverse=True)
    if quoted:
        used, worst, key, _ = quoted[0]
        lines += ["", f"Values quoted from the articles: {len(quoted)}; the closest to the edge of its rounding "
                      f"interval uses {used:.4f} of its half unit ({key[0]}: '{key[2][:60]}'; the limit is "
                      f"1 − {QUOTED_EDGE:g})."]
    lines += ["", "Weakest rejections (negative controls; variant where the wrong variant came closest):", "",
              "| rejected by | variant | chapter | control |", "|---:|---|---|---|"]
    for used, weakest, key, by in sorted(controls, key=lambda c: c[0])[:10]:
        lines.append(f"| {used:.3g}× ({'/'.join(sorted(b or '?' for b in by))}) | {weakest} | {key[0]} | "
                     f"{key[2][:70]} |")
    if mc:
        spreads = sorted(mc, key=lambda m: -m[0])
        lines += ["", f"Monte Carlo z-scores: the largest move across variants is {spreads[0][0]:.2g} "
                      f"({spreads[0][1][0]}: '{spreads[0][1][2][:60]}'); the limit is {Z_SPREAD}. Largest |z| "
                      f"anywhere: {max(abs(v) for m in mc for v in m[2].values()):.2f}."]
    return lines, problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", default=None, help="run only these variants")
    ap.add_argument("--reuse-native", action="store_true",
                    help="take the native variant's records from the last `make test` instead of rerunning it")
    ap.add_argument("--list", action="store_true", help="list the variants and exit")
    ap.add_argument("--out", type=Path, default=None, help=f"where records and the report go (default {OUT})")
    ap.add_argument("pytest_args", nargs="*", help="passed to pytest (after --), e.g. book/networks")
    args = ap.parse_args(argv)
    out = OUT if args.out is None else args.out.resolve()
    matrix = variants()
    if args.list:
        for v in matrix:
            print(f"{v.name:18s} {' '.join(f'{k}={val}' for k, val in v.env.items()) or '(none)'}  — {v.what}")
        return 0
    if args.only:
        unknown = set(args.only) - {v.name for v in matrix}
        if unknown:
            ap.error(f"unknown variant(s) {sorted(unknown)}; see --list")
        matrix = [v for v in matrix if v.name in args.only]
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    timings: dict[str, str] = {}
    failed: list[str] = []
    for v in matrix:
        if v.name == "native" and args.reuse_native:
            if not any((out / "native").rglob("*.json")):
                print("--reuse-native: no records from `make test` in _build/portability/native", file=sys.stderr)
                return 2
            timings[v.name] = "reused from make test"
            continue
        print(f"== {v.name}: {v.what}", flush=True)
        code, seconds, tail = run_variant(v, args.pytest_args, out)
        timings[v.name] = f"{seconds:.0f} s"
        print(f"   {'passed' if code == 0 else 'FAILED'} in {seconds:.0f} s", flush=True)
        if code != 0:
            failed.append(v.name)
            print(tail)
    names = [v.name for v in matrix]
    lines, problems = analyse(names, out)
    wall = time.perf_counter() - start
    report = ["# Portability run", "", "| variant | environment | time |", "|---|---|---:|"]
    report += [f"| {v.name} | {' '.join(f'`{k}={val}`' for k, val in v.env.items()) or '(defaults)'} | "
               f"{timings.get(v.name, '–')} |" for v in matrix]
    report += ["", f"Wall time: {wall:.0f} s.", "", *lines, ""]
    if failed:
        problems.insert(0, f"test runs failed in: {', '.join(failed)} (logs in {out}/)")
    report += (["## Problems", ""] + [f"- {p}" for p in problems]) if problems else ["No problems."]
    text = "\n".join(report) + "\n"
    (out / "report.md").write_text(text)
    print(text)
    print(f"portability: {'FAILED' if problems else 'passed'} in {wall:.0f} s ({len(matrix)} variants)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
