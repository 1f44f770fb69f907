"""The portability run has teeth: a check whose tolerance was tuned on one machine fails it, and the same
check with a tolerance derived from the computation's own error bound passes it.

Two small chapters are planted in a throwaway book (``KX_TOC`` points the harness at it). Both compute a
dot product of 100 001 random numbers with BLAS (``x @ y``), whose rounding depends on the kernel's
summation order, and compare it with the correctly rounded ``math.fsum``:

* *tuned*: the tolerance is 1.05 × the error this machine's kernel makes — what "the number that happened to
  pass here" looks like; the run must fail it (it uses 95% of its tolerance natively, and may fail outright
  under another kernel);
* *derived*: the tolerance is the classical bound γₙ₊₁ Σ|xᵢyᵢ| (γₙ = nu/(1 − nu), u the unit roundoff; one
  more u for the rounded products the reference sums), which holds for any summation order and with or
  without fused multiply-adds; the run must pass it.

The runner executes the native variant and OpenBLAS's Prescott kernels (two test runs of two tiny chapters).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from tests.harness.book import ROOT

N = 100_001
HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
    jupytext_version: 1.19.6
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---
"""


def planted(tol: str, label: str) -> str:
    code = textwrap.dedent(f"""\
        import math

        import numpy as np

        import kx_helpers as kx

        x, y = kx.rng(1).standard_normal({N}), kx.rng(2).standard_normal({N})
        exact = math.fsum((x * y).tolist())  # the rounded products, summed exactly
        u = np.finfo(float).eps / 2
        gamma = ({N} + 1) * u / (1 - ({N} + 1) * u)  # n additions + the products' own rounding
        kx.check_close("{label}", float(x @ y), exact, rtol=0, atol={tol})
        """)
    explore = textwrap.dedent("""\
        def draw(fig, a):
            fig.subplots().plot([0, 1], [0, a])


        kx.explore(draw, a=(0.0, 1.0, 0.5))
        """)
    cells = [code, explore, "kx.summary()\n"]
    return HEADER + "\n# Planted\n\n" + "\n".join(f"```{{code-cell}} ipython3\n{c}```\n" for c in cells)


@pytest.fixture
def book_dir():
    """A throwaway book inside the repository (pytest collects chapters only under its root directory)."""
    (ROOT / "_build").mkdir(exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="planted-", dir=ROOT / "_build"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_a_tolerance_tuned_to_one_kernel_fails_and_a_derived_one_passes(book_dir: Path) -> None:
    tmp_path = book_dir
    # the error this machine's kernel makes, with one BLAS thread as in the native variant
    probe = (f"import math, numpy as np; x, y = np.random.default_rng(1).standard_normal({N}), "
             f"np.random.default_rng(2).standard_normal({N}); print(repr(abs(float(x @ y) - "
             "math.fsum((x * y).tolist()))))")
    one_thread = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    native_error = float(subprocess.run([sys.executable, "-c", probe], env=one_thread, capture_output=True,
                                        text=True, check=True).stdout)
    assert native_error > 0, "this kernel happens to round the dot product exactly; pick another seed"
    book = tmp_path / "book" / "planted"
    book.mkdir(parents=True)
    (book / "tuned.md").write_text(planted(repr(1.05 * native_error), "dot product, tolerance tuned here"))
    (book / "derived.md").write_text(planted("gamma * math.fsum(np.abs(x * y).tolist())",
                                             "dot product, tolerance from the error bound"))
    (book / "index.md").write_text("# Planted\n")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/planted/index\nparts:\n  - caption: Planted\n"
                                       "    chapters:\n      - file: book/planted/tuned\n"
                                       "      - file: book/planted/derived\n")
    # the planted book is not the book: nothing of it may enter the book's execution cache
    env = {k: v for k, v in os.environ.items() if k != "KX_BOOK_CACHE"}
    env["KX_TOC"] = str(tmp_path / "_toc.yml")
    proc = subprocess.run([sys.executable, "-m", "tests.harness.portability", "--out", str(tmp_path / "out"),
                           "--only", "native", "openblas-prescott", "--", "-n", "0", str(book / "tuned.md"),
                           str(book / "derived.md")], cwd=ROOT, env=env, capture_output=True, text=True)
    report = (tmp_path / "out" / "report.md").read_text()
    problems = report.split("## Problems", 1)[-1]
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "'dot product, tolerance tuned here' uses 9" in problems, report  # 95% of it, natively
    assert "tolerance from the error bound" not in problems, report
    assert "2 checks in 2 chapters" in report, report
