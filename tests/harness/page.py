"""Build one chapter's HTML page on its own and take a screenshot of it — for reading a page you changed
without rebuilding the whole book.

``python -m tests.harness.page book/<part>/<slug>.md [--width 1200]`` builds a small book (the intro, the
chapter and the references page, with the book's ``_config.yml``) into ``_build/pages/<slug>/`` and writes
``_build/pages/<slug>/<slug>.png``, a full-page screenshot taken in headless Chromium (``KX_CHROMIUM``,
default ``/usr/bin/chromium``) after MathJax has typeset the page. Links to other chapters are dangling in
such a build, so its warnings are printed but do not fail it; ``make book`` is the real build.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import yaml

from .book import ROOT, chapter_for

CHROMIUM = os.environ.get("KX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def build(docname: str, out: Path) -> Path:
    """Build the one-chapter book; return the chapter's HTML file."""
    out.mkdir(parents=True, exist_ok=True)
    toc = {"format": "jb-book", "root": "book/intro",
           "parts": [{"caption": "Chapter", "chapters": [{"file": docname}, {"file": "book/references"}]}]}
    (out / "_toc.yml").write_text(yaml.safe_dump(toc))
    jb = Path(sys.executable).parent / "jupyter-book"
    proc = subprocess.run([str(jb), "build", str(ROOT), "--toc", str(out / "_toc.yml"), "--path-output", str(out)],
                          capture_output=True, text=True)
    log = proc.stdout + proc.stderr
    (out / "build.log").write_text(log)
    # links to chapters outside this small book dangle here; every other warning is the page's own
    dangling = ("unknown document", "undefined label", "term not in glossary")
    warnings = [ln for ln in log.splitlines() if ("WARNING" in ln or "ERROR" in ln) and docname in ln
                and not any(d in ln for d in dangling)]
    for line in warnings:
        print(line)
    html = out / "_build" / "html" / f"{docname}.html"
    if proc.returncode != 0 or not html.exists():
        print(log[-3000:])
        raise SystemExit(f"page build failed (log: {out / 'build.log'})")
    return html


def screenshot(html: Path, png: Path, width: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(html.as_uri())
        page.wait_for_load_state("load")
        page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
        page.screenshot(path=str(png), full_page=True)
        browser.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("chapter", help="book/<part>/<slug>.md")
    ap.add_argument("--width", type=int, default=1200, help="viewport width of the screenshot (px)")
    ap.add_argument("--no-shot", action="store_true", help="build only")
    args = ap.parse_args(argv)
    chapter = chapter_for(Path(args.chapter))
    if chapter is None:
        ap.error(f"{args.chapter} is not a chapter of _toc.yml")
    out = ROOT / "_build" / "pages" / chapter.slug
    html = build(chapter.docname, out)
    print(f"page: {html}")
    if not args.no_shot:
        png = out / f"{chapter.slug}.png"
        screenshot(html, png, args.width)
        print(f"screenshot: {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
