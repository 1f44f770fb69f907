"""The CI entry points: the GitHub Actions workflow passes two Actions linters, and .ci/run needs no root.

* ``check-jsonschema`` validates the workflow against the GitHub workflow schema (keys, types, structure);
* ``zizmor`` reads it as a runner would and audits it (permissions, credentials left in the checkout,
  unpinned actions — GitHub's own actions may be pinned by tag, see ``.github/zizmor.yml``);
* ``.ci/run`` parses as bash and only installs a browser when it runs as root: on GitHub's runner (not root)
  the workflow points the browser tests at the runner's own Chrome (``KX_CHROMIUM``).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.harness.book import ROOT

BIN = Path(sys.executable).parent
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def test_workflow_matches_the_github_schema():
    proc = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                           str(WORKFLOW)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_workflow_passes_zizmor():
    proc = subprocess.run([str(BIN / "zizmor"), "--offline", "--no-progress", "--config",
                           str(ROOT / ".github" / "zizmor.yml"), str(WORKFLOW)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ci_run_needs_no_root():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert subprocess.run(["bash", "-n", str(ROOT / ".ci" / "run")]).returncode == 0
    for n, line in enumerate(script.splitlines(), 1):
        if re.search(r"\bapt-get\b", line) and not line.lstrip().startswith("#"):
            assert "as_root" in line, f".ci/run:{n} calls apt-get outside the root-only branch: {line.strip()}"
    workflow = WORKFLOW.read_text(encoding="utf-8")
    assert "KX_CHROMIUM" in workflow and "sudo" not in workflow
