"""Unit tests of kx_helpers.plotting and kx_helpers.seeding."""

from __future__ import annotations

import json
import subprocess
import sys

import matplotlib
import numpy as np
import pytest

import kx_helpers as kx

matplotlib.use("Agg")


def test_import_has_no_side_effects():
    code = ("import matplotlib as mpl; before = dict(mpl.rcParams); import sys, kx_helpers; "
            "assert dict(mpl.rcParams) == before; assert 'torch' not in sys.modules; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_house_style_is_opaque():
    import matplotlib as mpl

    with mpl.rc_context():
        kx.use_house_style()
        fig, ax = kx.figure()
        assert fig.get_facecolor()[3] == 1.0 and ax.get_facecolor()[3] == 1.0
        assert mpl.rcParams["savefig.transparent"] is False


def test_figure_grid_and_bad_sizes():
    fig, axes = kx.figure(2, 2, width=8)
    assert axes.shape == (2, 2)
    for bad in ({"ncols": 0}, {"nrows": 1.5}, {"ncols": True}):
        with pytest.raises(ValueError, match="positive integer"):
            kx.figure(**bad)
    with pytest.raises(ValueError, match="figure size"):
        kx.figure(width=-1)


def test_set_labels_adds_legend_only_for_several_lines():
    fig, ax = kx.figure()
    ax.plot([0, 1], label="one")
    assert kx.set_labels(ax, "t", "x", "y") is None
    assert ax.get_legend() is None and ax.get_title() == "t" and ax.get_xlabel() == "x"
    ax.plot([1, 0], label="two")
    kx.set_labels(ax)
    assert ax.get_legend() is not None
    fig, ax = kx.figure()
    ax.plot([0, 1], label="one")
    ax.plot([1, 0], label="two")
    placed = ax.legend(loc="lower left", ncol=2)
    kx.set_labels(ax, "t")
    assert ax.get_legend() is placed  # a placed legend is kept


def test_covariance_ellipse_lies_on_the_level_set():
    fig, ax = kx.figure()
    C = np.array([[2.0, 0.6], [0.6, 1.0]])
    line = kx.covariance_ellipse(ax, [1.0, -1.0], C, 2.0)
    pts = np.c_[line.get_xdata(), line.get_ydata()] - [1.0, -1.0]
    q = np.einsum("ij,jk,ik->i", pts, np.linalg.inv(C), pts)
    np.testing.assert_allclose(q, 4.0, rtol=1e-10)


@pytest.mark.parametrize(
    ("mean", "cov", "nsig", "msg"),
    [
        ([0, 0, 0], np.eye(2), 1, "shape"),
        ([0, 0], np.eye(3), 1, "shape"),
        ([0, np.nan], np.eye(2), 1, "finite"),
        ([0, 0], [[1, 2], [0, 1]], 1, "symmetric"),
        ([0, 0], [[1, 0], [0, -1]], 1, "positive definite"),
        ([0, 0], np.eye(2), -1, "nsig"),
    ],
)
def test_covariance_ellipse_bad_input(mean, cov, nsig, msg):
    fig, ax = kx.figure()
    with pytest.raises(ValueError, match=msg):
        kx.covariance_ellipse(ax, mean, cov, nsig)


def test_rng_is_reproducible_and_validated():
    assert kx.rng(3).normal(size=4).tolist() == kx.rng(3).normal(size=4).tolist()
    assert kx.rng(3).normal() != kx.rng(4).normal()
    for bad, exc in ((1.5, TypeError), ("1", TypeError), (True, TypeError), (-1, ValueError)):
        with pytest.raises(exc, match="seed"):
            kx.rng(bad)


def test_torch_setup_is_reproducible():
    torch = pytest.importorskip("torch")
    dev = kx.torch_setup(7)
    a = torch.randn(3)
    kx.torch_setup(7)
    assert torch.equal(a, torch.randn(3)) and a.dtype == torch.float64 and dev.type in ("cpu", "cuda")
    with pytest.raises(ValueError, match="threads"):
        kx.torch_setup(7, threads=0)
    with pytest.raises(ValueError, match="dtype"):
        kx.torch_setup(7, dtype="float16")
    torch.set_default_dtype(torch.float32)


def _guarded(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter after ``forbid_unseeded()`` (it patches numpy/random globally)."""
    prelude = "import kx_helpers.seeding as s\ns.forbid_unseeded()\ns.forbid_unseeded()\n"
    return subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True)


UNSEEDED = [
    "import numpy as np; np.random.default_rng()",
    "import numpy as np; np.random.default_rng(None)",
    "import numpy as np; np.random.normal()",
    "import numpy as np; np.random.rand(3)",
    "import numpy as np; np.random.seed(None); np.random.rand(3)",
    "import scipy.stats as st; st.norm.rvs(size=3)",
    "import scipy.linalg as la, numpy as np; la.logm(np.eye(5) + 0.1 * np.arange(25.0).reshape(5, 5) / 25)",
    "import random; random.random()",
    "import random; random.shuffle([1, 2, 3])",
    "import torch; torch.randn(3); s.verify_seeded()",
    "import torch; torch.seed()",
]
SEEDED = [
    "import numpy as np; np.random.default_rng(0).normal(); s.rng(1).normal()",
    "import numpy as np; np.random.seed(3); np.random.normal(); np.random.RandomState(4).rand()",
    "import scipy.stats as st; st.norm.rvs(size=3, random_state=0)",
    "import numpy as np, scipy.stats as st; np.random.seed(0); st.norm.rvs(size=3)",
    "import random; random.seed(1); random.random()",
    "import torch; torch.zeros(3); s.verify_seeded()",  # torch imported, but no draw
    "s.verify_seeded()",
    "import torch; torch.manual_seed(0); torch.randn(3); s.verify_seeded()",
    "import torch; s.torch_setup(0); torch.randn(3); s.verify_seeded()",
]


def _outcomes(cases: list[str]) -> dict[str, str]:
    """Each case run in order in one guarded interpreter: 'ok', 'refused' or another exception's name.
    (Cases only add seeding, never remove it, so the unseeded ones run before any seeding case.)"""
    script = "import json\nout = {}\nfor case in %r:\n" % (cases,) + (
        "    try:\n        exec(case, {'s': s})\n        out[case] = 'ok'\n"
        "    except s.UnseededRandomness:\n        out[case] = 'refused'\n"
        "    except Exception as e:\n        out[case] = type(e).__name__ + ': ' + str(e)\n"
        "print(json.dumps(out))\n")
    proc = _guarded(script)
    assert proc.returncode == 0, proc.stderr[-800:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_unseeded_draws_fail_under_the_guard():
    outcomes = _outcomes(UNSEEDED)
    assert all(v == "refused" for v in outcomes.values()), {k: v for k, v in outcomes.items() if v != "refused"}


def test_seeded_draws_pass_under_the_guard():
    # torch's own seeding is checked per process: the torch-seeding cases come after the no-draw ones
    outcomes = _outcomes(SEEDED)
    assert all(v == "ok" for v in outcomes.values()), {k: v for k, v in outcomes.items() if v != "ok"}


def test_refusal_names_the_call_and_the_fix():
    proc = _guarded("import numpy as np; np.random.default_rng()")
    assert "UnseededRandomness: unseeded randomness: numpy.random.default_rng() without a seed" in proc.stderr
    assert "use kx.rng(seed)" in proc.stderr


def test_seeded_global_state_gives_the_same_numbers_as_plain_numpy():
    out = _guarded("import numpy as np; np.random.seed(5); print(np.random.normal(size=3).tolist())")
    assert out.stdout.strip() == str(np.random.RandomState(5).normal(size=3).tolist())  # the same stream


def test_verify_seeded_is_a_no_op_without_the_guard():
    code = "import torch, kx_helpers.seeding as s; torch.randn(3); s.verify_seeded(); print('ok')"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "ok"
