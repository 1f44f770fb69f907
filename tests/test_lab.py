"""JupyterLab as a reader meets it: ``make lab``, double-click a chapter, Run All, move a slider, keep reading.

Needs a browser, so plain ``pytest`` skips it; ``make check-lab`` runs it (``KX_LAB=1``). It starts its own
JupyterLab on 127.0.0.1 with a token (and stops only that server), on a throwaway git repository holding a
copy of the working tree's ``book/`` (so ``git status`` after the session says whether reading changed a
chapter, and nothing here can touch your files), with the Lab settings of ``make lab``
(``.jupyter/labconfig``) plus one change: autosave every 10 s instead of 120 s, so the test waits past an
autosave in seconds. Headless Chromium (``KX_CHROMIUM``, default Debian's ``/usr/bin/chromium``) then, for
a numpy chapter and a torch chapter (``KX_LAB_CHAPTERS``):

* double-clicks the part's folder and the chapter in the file browser, and requires a notebook, not a text
  editor (the default-viewer setting);
* requires MyST to be rendered (an admonition box, a numbered equation reference, no raw ``:::{`` or
  ``{eq}``);
* runs all cells and requires every code cell to have run with no error output;
* moves an explorer's slider with the keyboard and requires a different image;
* waits past an autosave and requires ``git status`` to be clean;
* and collects the page's console errors, which must be none.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.harness.book import ROOT

CHROMIUM = os.environ.get("KX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
CHAPTERS = os.environ.get("KX_LAB_CHAPTERS", "probability/points-in-sector optimization/training-utilities").split()
AUTOSAVE_S = 10
SETTINGS = ROOT / ".jupyter" / "labconfig" / "default_setting_overrides.json"

pytestmark = pytest.mark.skipif(os.environ.get("KX_LAB") != "1",
                                reason="browser test of the JupyterLab route: run `make check-lab` (sets KX_LAB=1)")

CELLS_STATE = """() => {
  const w = jupyterapp.shell.currentWidget, cells = w.content.model.cells;
  let code = 0, run = 0; const errors = [];
  for (let i = 0; i < cells.length; i++) {
    const c = cells.get(i);
    if (c.type !== 'code') continue;
    code++;
    if (c.executionCount) run++;
    for (let j = 0; j < c.outputs.length; j++) {
      const o = c.outputs.get(j).toJSON();
      if (o.output_type === 'error') errors.push(`cell ${i}: ${o.ename}: ${o.evalue}`.slice(0, 300));
    }
  }
  return {code, run, errors, kernel: w.sessionContext.session && w.sessionContext.session.kernel.status};
}"""

#: A rendered Markdown cell: JupyterLab's own renderer (.jp-RenderedMarkdown) or jupyterlab-myst's (.myst).
RENDERED_MD = ".jp-MarkdownCell .jp-RenderedMarkdown, .jp-MarkdownCell .myst"
MYST_STATE = """() => {
  const node = jupyterapp.shell.currentWidget.content.node;
  const md = [...node.querySelectorAll('%s')];
  const text = md.map(m => m.textContent).join('\\n');
  return {myst: node.querySelectorAll('.jp-MarkdownCell .myst').length,
          admonitions: node.querySelectorAll('.jp-MarkdownCell .myst-admonition').length,
          eqrefs: md.flatMap(m => [...m.querySelectorAll('a')])
              .filter(a => /^\\(\\d+\\)$/.test(a.textContent.trim())).length,
          raw: ['{eq}`', ':::{', '{cite}`', '```{code-cell'].filter(s => text.includes(s))};
}""" % RENDERED_MD

EXPLORER_IMAGE = """() => {
  const box = [...document.querySelectorAll('.jp-OutputArea .widget-vbox')]
      .find(b => b.querySelector('.widget-image') && b.querySelector('.widget-slider .noUi-handle'));
  if (!box) return null;
  return box.querySelector('.widget-image').src;
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's chromium or set KX_CHROMIUM")
    tmp = tmp_path_factory.mktemp("lab")
    repo, config = tmp / "repo", tmp / "config" / "labconfig"
    shutil.copytree(ROOT / "book", repo / "book", ignore=shutil.ignore_patterns("_build", "__pycache__"))
    for name in (".gitignore", "_config.yml", "_toc.yml"):
        shutil.copy2(ROOT / name, repo / name)
    git = ["git", "-C", str(repo), "-c", "user.name=kx", "-c", "user.email=kx@localhost"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "the book as committed"], check=True)
    settings = json.loads(SETTINGS.read_text(encoding="utf-8"))
    settings.setdefault("@jupyterlab/docmanager-extension:plugin", {})["autosaveInterval"] = AUTOSAVE_S
    config.mkdir(parents=True)
    (config / "default_setting_overrides.json").write_text(json.dumps(settings))
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={repo / 'book'}", "--expose-app-in-browser",
           # a fresh workspace and no user settings: what a new reader gets, whatever this machine's user did
           f"--LabApp.workspaces_dir={tmp / 'workspaces'}", f"--LabApp.user_settings_dir={tmp / 'settings'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(config.parent)}
    env.pop("JUPYTER_DEFAULT_PROVISIONER_NAME", None)  # the reader's Lab, as make lab starts it
    log = open(tmp / "server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"JupyterLab exited: {(tmp / 'server.log').read_text()[-2000:]}")
                time.sleep(0.5)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield {"browser": browser, "base": base, "token": token, "repo": repo, "log": tmp / "server.log"}
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.mark.parametrize("docname", CHAPTERS)
def test_a_chapter_opens_runs_redraws_and_stays_unmodified(lab: dict[str, Any], docname: str) -> None:
    part, slug = docname.split("/")
    page = lab["browser"].new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(300_000)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(f"uncaught: {e}"))
    t0 = time.perf_counter()

    def say(msg: str) -> None:  # progress in the CI log: where a hang happened
        print(f"\n  [{time.perf_counter() - t0:5.1f} s] {docname}: {msg}", end="", flush=True)

    try:
        # a workspace of its own, reset: what the previous chapter left open is not restored here
        page.goto(f"{lab['base']}/lab/workspaces/{slug}?reset&token={lab['token']}")
        page.wait_for_function("() => window.jupyterapp && jupyterapp.started")
        page.evaluate("async () => { await jupyterapp.started; await jupyterapp.restored; "
                      "await jupyterapp.commands.execute('filebrowser:activate'); "
                      "await jupyterapp.commands.execute('filebrowser:go-to-path', {path: '/'}); }")
        say("Lab started; double-clicking the chapter")
        page.dblclick(f'.jp-DirListing-item:has-text("{part}")')
        page.dblclick(f'.jp-DirListing-item:has-text("{slug}.md")')
        page.wait_for_function("() => { const w = jupyterapp.shell.currentWidget; "
                               f"return w && w.title.label === '{slug}.md' && w.context.isReady; }}")
        kind = page.evaluate("() => jupyterapp.shell.currentWidget.node.className")
        assert "jp-NotebookPanel" in kind, (f"double-clicking {slug}.md opened {kind!r}, not a notebook: the "
                                            "default viewer (.jupyter/labconfig) is not in effect")

        say("opened as a notebook; waiting for MyST")
        page.wait_for_function(f"() => document.querySelectorAll({json.dumps(RENDERED_MD)}).length > 3")
        myst = page.evaluate(MYST_STATE)
        assert myst["myst"] >= 4 and myst["admonitions"] >= 1 and myst["eqrefs"] >= 1 and not myst["raw"], (
            f"MyST is not rendered in Lab (jupyterlab-myst): {myst}")

        say("MyST rendered; waiting for the kernel")
        # Run All before the kernel is up runs nothing: wait for it as a reader waits for "Idle"
        page.wait_for_function("() => { const s = jupyterapp.shell.currentWidget.sessionContext; "
                               "return s.isReady && s.session && s.session.kernel "
                               "&& s.session.kernel.status === 'idle'; }")
        say("kernel idle; Run All")
        started = time.perf_counter()
        page.evaluate("async () => { jupyterapp.shell.currentWidget.content.activate(); "
                      "await jupyterapp.commands.execute('notebook:run-all-cells'); }")
        page.wait_for_function(f"() => {{ const s = ({CELLS_STATE})(); "
                               "return s.errors.length > 0 || (s.run === s.code && s.kernel === 'idle'); }")
        state = page.evaluate(CELLS_STATE)
        say(f"{state['code']} cells ran in {time.perf_counter() - started:.1f} s")
        assert not state["errors"], f"error outputs after Run All: {state['errors']}"

        say("all cells ran; moving a slider")
        before = page.evaluate(EXPLORER_IMAGE)
        assert before, "no explorer (ipywidgets slider above an image) in the outputs"
        handle = page.locator(".jp-OutputArea .widget-vbox:has(.widget-image) .widget-slider .noUi-handle").first
        handle.scroll_into_view_if_needed()
        handle.focus()
        page.keyboard.press("End")
        page.wait_for_function(f"() => ({EXPLORER_IMAGE})() !== {json.dumps(before)}", timeout=60_000)

        say("redrawn; waiting past an autosave")
        page.wait_for_timeout((2 * AUTOSAVE_S + 5) * 1000)  # past at least one autosave
        status = subprocess.run(["git", "-C", str(lab["repo"]), "status", "--porcelain"], capture_output=True,
                                text=True, check=True).stdout
        diff = subprocess.run(["git", "-C", str(lab["repo"]), "diff"], capture_output=True, text=True).stdout
        assert not status.strip(), f"reading and running {docname} changed the repository:\n{status}\n{diff[:3000]}"
        assert not console, f"console errors in JupyterLab: {console[:10]}"
    except Exception:
        shot = lab["log"].parent / f"{slug}-failure.png"
        page.screenshot(path=str(shot))
        say(f"failed; screenshot {shot}, server log {lab['log']}")
        raise
    finally:
        page.close()
