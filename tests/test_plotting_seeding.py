"""Unit tests of kx_helpers.plotting and kx_helpers.seeding."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
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
    threads = torch.get_num_threads()
    kx.torch_setup(7)
    assert torch.get_num_threads() == threads  # torch's own choice is kept unless threads= is given
    with pytest.raises(ValueError, match="threads"):
        kx.torch_setup(7, threads=0)
    with pytest.raises(ValueError, match="dtype"):
        kx.torch_setup(7, dtype="float16")
    torch.set_default_dtype(torch.float32)
