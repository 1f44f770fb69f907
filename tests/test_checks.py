"""Unit and property tests of kx_helpers.checks: every check accepts what it should and rejects the rest."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import kx_helpers as kx
from kx_helpers.checks import CheckFailed

finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)
tol = st.floats(min_value=1e-12, max_value=1.0)


@pytest.fixture(autouse=True)
def _fresh_registry():
    kx.checks.reset()
    yield
    kx.checks.reset()


# -- check_close -------------------------------------------------------------------------------------------
def test_check_close_accepts_and_reports(capsys):
    assert kx.check_close("pi", 3.14159, math.pi, rtol=1e-5) is None
    assert kx.summary().records[-1].value == pytest.approx(abs(3.14159 - math.pi))
    assert capsys.readouterr().out.startswith("✓ pi: got 3.14159")


def test_check_close_rejects_with_named_message():
    with pytest.raises(CheckFailed, match=r"check 'bd' failed: got 0\.5, expected 0\.25, \|err\| = 0\.25"):
        kx.check_close("bd", 0.5, 0.25, rtol=1e-3)


def test_check_close_arrays_name_the_worst_index():
    with pytest.raises(CheckFailed, match=r"at index \(1, 0\)"):
        kx.check_close("m", [[1.0, 2.0], [3.5, 4.0]], [[1.0, 2.0], [3.0, 4.0]], rtol=1e-6)
    kx.check_close("m", np.ones((2, 2)), 1.0, rtol=1e-12)  # scalar broadcast
    assert kx.summary().records[-1].value == 0.0


def test_check_close_accepts_torch_tensors():
    torch = pytest.importorskip("torch")
    kx.check_close("tensor", torch.tensor([1.0, 2.0], requires_grad=True) * 1, [1.0, 2.0], rtol=1e-12)


@given(expected=finite, rtol=tol, frac=st.floats(min_value=0, max_value=0.999))
def test_check_close_accepts_inside_the_tolerance(expected, rtol, frac):
    got = expected + frac * rtol * abs(expected)
    kx.check_close("inside", got, expected, rtol=rtol, atol=1e-300)


@given(expected=finite.filter(lambda x: abs(x) > 1e-6), rtol=tol, frac=st.floats(min_value=1.01, max_value=100))
def test_check_close_rejects_outside_the_tolerance(expected, rtol, frac):
    got = expected + frac * rtol * abs(expected)
    if got - expected <= rtol * abs(expected):  # rounding ate the excess: not a meaningful case
        return
    with pytest.raises(CheckFailed):
        kx.check_close("outside", got, expected, rtol=rtol)


@pytest.mark.parametrize(
    ("got", "expected", "kw", "exc", "msg"),
    [
        (float("nan"), 1.0, {}, ValueError, "got contains 1 non-finite"),
        (1.0, float("inf"), {}, ValueError, "expected contains 1 non-finite"),
        ([1.0, 2.0], [1.0, 2.0, 3.0], {}, ValueError, "shape"),
        ("1.0", 1.0, {}, TypeError, "got must be a number"),
        (None, 1.0, {}, TypeError, "got must be a number"),
        ([], [], {}, ValueError, "empty"),
        ([[1.0], [1.0, 2.0]], 1.0, {}, TypeError, "got must be"),
        (1.0, 1.0, {"rtol": -1.0}, ValueError, "rtol must be finite and >= 0"),
        (1.0, 1.0, {"rtol": 0.0}, ValueError, "both 0"),
        (1.0, 1.0, {"atol": "x"}, TypeError, "atol must be a real number"),
    ],
)
def test_check_close_bad_input(got, expected, kw, exc, msg):
    with pytest.raises(exc, match=msg):
        kx.check_close("bad", got, expected, **kw)


@pytest.mark.parametrize("label", ["", "   ", None, 3])
def test_labels_must_be_text(label):
    with pytest.raises(TypeError, match="label must be a non-empty string"):
        kx.check_true(label, True)


# -- check_mc ----------------------------------------------------------------------------------------------
def test_check_mc_accepts_the_true_mean_and_rejects_a_shifted_one():
    x = kx.rng(1).normal(0.3, 1.0, size=20_000)  # se ≈ 0.007
    kx.check_mc("mean", x, 0.3)
    assert abs(kx.summary().records[-1].value) < 5
    with pytest.raises(CheckFailed, match=r"check 'mean' failed: mean .* \(z = "):
        kx.check_mc("mean", x, 0.4)


@given(seed=st.integers(0, 2**32 - 1), mu=st.floats(-5, 5), sigma=st.floats(0.1, 10))
@settings(max_examples=30, deadline=None)
def test_check_mc_z_score_is_what_it_says(seed, mu, sigma):
    x = kx.rng(seed).normal(mu, sigma, size=500)
    se = x.std(ddof=1) / math.sqrt(x.size)
    target = x.mean() - 4.0 * se
    kx.check_mc("z", x, target, z=4.5)
    assert kx.summary().records[-1].value == pytest.approx(4.0)
    with pytest.raises(CheckFailed):
        kx.check_mc("z", x, target, z=3.5)


@pytest.mark.parametrize(
    ("samples", "exc", "msg"),
    [
        ([1.0], ValueError, "at least 2"),
        (np.ones((3, 3)), ValueError, "1-D"),
        ([1.0, 1.0, 1.0], ValueError, "standard error of 0"),
        ([1.0, float("nan")], ValueError, "non-finite"),
        (["a", "b"], TypeError, "numeric"),
    ],
)
def test_check_mc_bad_input(samples, exc, msg):
    with pytest.raises(exc, match=msg):
        kx.check_mc("bad", samples, 1.0)


# -- check_identity ----------------------------------------------------------------------------------------
def test_check_identity_scalar_and_matrix():
    x = sp.symbols("x")
    kx.check_identity("trig", sp.sin(x) ** 2 + sp.cos(x) ** 2, 1)
    a, b = sp.symbols("a b", positive=True)
    M = sp.Matrix([[a, 0], [0, b]])
    kx.check_identity("inverse", M * M.inv(), sp.eye(2))
    with pytest.raises(CheckFailed, match="difference simplifies to"):
        kx.check_identity("wrong", sp.sin(2 * x), sp.sin(x) * sp.cos(x))


def test_check_identity_rejects_non_sympy():
    with pytest.raises(TypeError, match="sympy expression"):
        kx.check_identity("np", np.array([1.0]))


# -- check_true --------------------------------------------------------------------------------------------
def test_check_true():
    kx.check_true("ok", 1 < 2, "1 < 2")
    kx.check_true("numpy bool", np.float64(1.0) < 2)
    with pytest.raises(CheckFailed, match="check 'no' failed: 2 < 1"):
        kx.check_true("no", 2 < 1, "2 < 1")
    with pytest.raises(TypeError, match="np.all"):
        kx.check_true("array", np.array([True, True]))
    with pytest.raises(TypeError, match="detail must be a string"):
        kx.check_true("detail", True, 3)


# -- check_fails -------------------------------------------------------------------------------------------
def test_check_fails_passes_only_when_the_inner_check_rejects(capsys):
    assert kx.check_fails("22/7", lambda: kx.check_close("pi", 22 / 7, math.pi, rtol=1e-6)) is None
    assert "check 'pi' failed" in kx.summary().records[-1].detail
    out = capsys.readouterr().out
    assert out.count("✓") == 1 and "rejected" in out  # the inner check is silent
    with pytest.raises(CheckFailed, match="was NOT rejected"):
        kx.check_fails("accepted", lambda: kx.check_close("pi", math.pi, math.pi, rtol=1e-6))


def test_check_fails_does_not_swallow_other_errors():
    with pytest.raises(ZeroDivisionError):
        kx.check_fails("crash", lambda: 1 / 0)
    with pytest.raises(TypeError, match="callable"):
        kx.check_fails("not callable", 3)


# -- summary -----------------------------------------------------------------------------------------------
def test_summary_counts_and_renders():
    with pytest.raises(CheckFailed, match="no check has run"):
        kx.summary()
    kx.check_true("a", True)
    kx.check_close("b", 1.0, 1.0, rtol=1e-9)
    kx.check_fails("c", lambda: kx.check_true("x", False))
    s = kx.summary()
    assert s.counts == {"property": 1, "close": 1, "negative control": 1}
    assert "3 checks passed, 1 of them negative controls" in repr(s)
    html = s._repr_html_()
    assert html.count("<tr>") == 4 and "negative control" in html
    kx.checks.reset()
    with pytest.raises(CheckFailed):
        kx.summary()


def test_failed_checks_are_not_recorded():
    with pytest.raises(CheckFailed):
        kx.check_true("fails", False)
    kx.check_true("passes", True)
    assert [r.label for r in kx.summary().records] == ["passes"]


# -- check_quoted ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("quoted", "half"), [("0.110661", 5e-7), ("-2.7590027", 5e-8), ("2.9e-9", 5e-11),
                                              ("722", 0.5), ("1.50", 5e-3)])
def test_check_quoted_allows_exactly_half_a_unit(quoted, half):
    ref = float(quoted)
    kx.check_quoted("inside", ref + 0.9 * half, quoted)
    kx.check_quoted("inside", ref - 0.9 * half, quoted)
    with pytest.raises(CheckFailed, match="does not round to the quoted"):
        kx.check_quoted("outside", ref + 1.2 * half, quoted)


@given(x=st.floats(-1e6, 1e6), digits=st.integers(0, 8))
def test_check_quoted_accepts_its_own_rounding(x, digits):
    kx.check_quoted("rounded", x, f"{x:.{digits}f}")


@pytest.mark.parametrize(("got", "quoted", "exc"), [(1.0, 1.0, TypeError), (1.0, "abc", ValueError),
                                                    (1.0, "nan", ValueError), ([1.0, 2.0], "1.0", ValueError),
                                                    (float("inf"), "1.0", ValueError)])
def test_check_quoted_bad_input(got, quoted, exc):
    with pytest.raises(exc):
        kx.check_quoted("bad", got, quoted)
