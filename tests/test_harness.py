"""Tests of the test harness itself: the seeding guard, the check records, the kernel calls."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.harness import inkernel
from tests.harness.book import ROOT


# -- the seeding guard (in a fresh interpreter: it wraps numpy's, random's and torch's seeding) ------------
def _guarded(cases: list[str], torch: bool = False) -> dict[str, str]:
    """Run each case in one guarded interpreter, as if each were a chapter cell: 'ok', 'refused' or
    another exception. Cases only add seeding, so the unseeded ones come first."""
    script = (f"import json\nfrom tests.harness import inkernel as guard\nguard.install(torch={torch})\nout = {{}}\n"
              f"for i, case in enumerate({cases!r}):\n"
              "    try:\n        exec(case, {})\n        guard.after_cell(f'Cell {i}')\n        out[case] = 'ok'\n"
              "    except guard.UnseededRandomness as e:\n        out[case] = 'refused: ' + str(e)\n"
              "    except Exception as e:\n        out[case] = type(e).__name__ + ': ' + str(e)\n"
              "print(json.dumps(out))\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-800:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


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
]
SEEDED = [
    "import numpy as np; np.random.default_rng(0).normal()",
    "import kx_helpers as kx; kx.rng(1).normal()",
    "import scipy.stats as st; st.norm.rvs(size=3, random_state=0)",
    "import numpy as np; np.random.RandomState(4).rand()",
    "import numpy as np, scipy.stats as st; np.random.seed(0); st.norm.rvs(size=3)",
    "import random; random.seed(1); random.random()",
]


def test_unseeded_draws_fail_the_cell_that_makes_them():
    outcomes = _guarded(UNSEEDED)
    assert all(v.startswith("refused") for v in outcomes.values()), outcomes


def test_seeded_draws_pass():
    outcomes = _guarded(SEEDED)
    assert all(v == "ok" for v in outcomes.values()), outcomes


def test_torch_draws_need_a_seed():
    pytest.importorskip("torch")
    refused = _guarded(["import torch; torch.randn(3)"], torch=True)
    assert list(refused.values())[0].startswith("refused: unseeded randomness: in Cell 0, torch's global")
    reseed = _guarded(["import torch; torch.seed()"], torch=True)
    assert "torch.seed() reseeds torch" in list(reseed.values())[0]
    fine = _guarded(["import torch; torch.zeros(3)",  # no draw
                     "import kx_helpers as kx, torch; kx.torch_setup(0); torch.randn(3)",
                     "import torch; torch.manual_seed(1); torch.rand(2)"], torch=True)
    assert all(v == "ok" for v in fine.values()), fine


def test_refusal_names_the_cell_the_generator_and_the_fix():
    out = _guarded(["x = 1", "import numpy as np; np.random.normal()"])
    message = out["import numpy as np; np.random.normal()"]
    assert "in Cell 1, numpy's global generator" in message and "kx.rng(seed)" in message
    out = _guarded(["import numpy as np; np.random.default_rng()"])
    assert "numpy.random.default_rng() without a seed" in list(out.values())[0]


def test_seeded_global_state_gives_the_same_numbers_as_plain_numpy():
    script = ("from tests.harness import inkernel as guard; guard.install(); import numpy as np; np.random.seed(5); "
              "print(np.random.normal(size=3).tolist())")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    import numpy as np

    assert out.stdout.strip() == str(np.random.RandomState(5).normal(size=3).tolist())


def test_records_carry_each_checks_use_of_its_tolerance(tmp_path):
    script = ("import kx_helpers as kx\nfrom tests.harness import inkernel as guard\n"
              "kx.check_close('a', 1.0 + 3e-10, 1.0, rtol=1e-9)\n"
              "kx.check_fails('wrong', lambda: kx.check_close('b', 1.1, 1.0, rtol=0.05))\n"
              f"guard.write_records({str(tmp_path / 'r.json')!r})\n")
    subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    rows = json.loads((tmp_path / "r.json").read_text())
    assert [r["kind"] for r in rows] == ["close", "negative control"]
    assert rows[0]["used"] == pytest.approx(0.3, rel=1e-3) and rows[1]["used"] == pytest.approx(2.0, rel=1e-6)


def test_guard_functions_exist_where_the_plugin_calls_them():
    from tests.harness.plugin import kernel_call

    assert kernel_call(inkernel.after_cell, "Cell 3") == \
        "__import__('tests.harness.inkernel', fromlist=['_']).after_cell('Cell 3')"
