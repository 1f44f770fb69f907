"""``make book``: execute the chapters on every core into the execution cache, then build the HTML book.

Jupyter Book 1.x (through MyST-NB's ``cache`` mode) executes a chapter while Sphinx reads it, one after
another. The cache is jupyter-cache's, and jupyter-cache also has a parallel executor; so the build runs in
three steps, all configured by ``_config.yml`` and ``_toc.yml``:

1. **Invalidate.** The cache keys on a chapter's code only. When anything else a chapter's output depends on
   changes (``kx_helpers``, ``requirements.txt``, ``pyproject.toml``, ``_config.yml``), the cache and the
   built pages are cleared, so every chapter runs again; when only the book's Sphinx extension or its
   static files change, only the pages are rebuilt.
2. **Execute.** Every chapter of ``_toc.yml`` is added to the cache's project, read by MyST-NB's own reader
   (so the cache holds exactly what the build will look up), and jupyter-cache's ``local-parallel`` executor
   runs those without a cached result, one kernel per core, each kernel stopped as soon as its chapter has
   run (:mod:`tests.harness.executor`).
3. **Build.** ``jupyter-book build . -W -n --keep-going``, run in this process with Sphinx on every core,
   then finds every chapter in the cache and executes nothing (a chapter that failed in step 2 is run again
   there, so its page shows the error).

For CI shards, ``--export DIR`` writes the cached executed chapters to ``DIR/<part>/<slug>.ipynb`` and
``--import DIR`` puts such files into this checkout's cache (a shard's ``make test`` fills its cache; one
last job imports every shard's chapters and runs ``make book``, which then only renders).

A failing chapter still yields the rest of the book, the command exits non-zero, and its last lines name the
chapter, the failing cell and the check's own message (values and tolerance).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from .book import ROOT, Chapter, chapters

BUILD = ROOT / "_build"
CACHE = BUILD / ".jupyter_cache"
STAMPS = BUILD / ".deps.sha256"
#: What a chapter's output depends on besides its own code (the cache keys on code only).
EXECUTION_DEPS = ["requirements.txt", "_config.yml", "pyproject.toml", "kx_helpers"]
#: What the pages depend on besides the chapters and their outputs (Sphinx does not watch these).
PAGE_DEPS = ["book/_ext", "book/_static"]
MYST_NB_READER = {"type": "plugin", "name": "myst_nb_md"}  # what MyST-NB itself reads MyST notebooks with
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def deps_hash(deps: list[str]) -> str:
    digest = hashlib.sha256()
    for dep in deps:
        path = ROOT / dep
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if path.is_dir() else [path]
        for f in files:
            digest.update(f.relative_to(ROOT).as_posix().encode())
            digest.update(f.read_bytes())
    return digest.hexdigest()


def invalidate() -> None:
    new = [deps_hash(EXECUTION_DEPS), deps_hash(PAGE_DEPS)]
    old = STAMPS.read_text().split() if STAMPS.exists() else ["", ""]
    pages = [BUILD / "html", BUILD / "jupyter_execute", BUILD / ".doctrees"]
    if old[0] != new[0]:
        if CACHE.exists():
            print("kx_helpers, requirements or config changed: clearing the execution cache and the pages")
        for path in (CACHE, *pages):
            shutil.rmtree(path, ignore_errors=True)
    elif old[1:] != new[1:]:
        print("the book's Sphinx extension or static files changed: rebuilding the pages")
        for path in pages:
            shutil.rmtree(path, ignore_errors=True)
    BUILD.mkdir(parents=True, exist_ok=True)
    STAMPS.write_text("\n".join(new) + "\n")


def _cached(cache: Any, path: str) -> bool:
    from myst_nb.core.read import myst_nb_reader_plugin

    try:
        cache.match_cache_notebook(myst_nb_reader_plugin(path))
    except KeyError:
        return False
    return True


def execute(timeout: int) -> dict[str, str]:
    """Run every uncached chapter in parallel; return {chapter path: traceback} for those that failed."""
    from jupyter_cache import get_cache

    from .executor import FastStopExecutor

    cache = get_cache(str(CACHE))
    paths = [str(c.path) for c in chapters()]
    known = set()
    for record in cache.list_project_records():
        if record.uri not in paths or record.read_data != MYST_NB_READER:
            cache.remove_nb_from_project(record.uri)  # a chapter removed from the book, or a test's book
        else:
            known.add(record.uri)
    for path in paths:
        if path not in known:
            cache.add_nb_to_project(path, read_data=MYST_NB_READER)
    # what the cache's list_unexecuted() finds, reading each chapter once with the reader the build uses
    # (list_unexecuted looks the reader up by entry point for every chapter: a second of the cached rebuild)
    stale = [path for path in paths if not _cached(cache, path)]
    start = time.perf_counter()
    if stale:
        print(f"executing {len(stale)} of {len(paths)} chapters on {os.cpu_count()} cores", flush=True)
        # force: run exactly `stale` (without it the executor reads every chapter again to find them)
        FastStopExecutor(cache=cache).run_and_cache(filter_uris=stale, force=True, timeout=timeout,
                                                    allow_errors=False)
        print(f"executed in {time.perf_counter() - start:.0f} s", flush=True)
    else:
        print(f"all {len(paths)} chapters are in the execution cache", flush=True)
    return {r.uri: r.traceback for r in cache.list_project_records(filter_uris=paths) if r.traceback}


def cache_executed(chapter: Chapter, outputs: list[list[dict]], seconds: float) -> None:
    """Store ``chapter`` as executed by the test run (``outputs``: each code cell's, in order) in the book's
    execution cache, read by MyST-NB's reader so the build finds it (``make test`` does this)."""
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from myst_nb.core.read import myst_nb_reader_plugin

    nb = myst_nb_reader_plugin(str(chapter.path))
    code = [c for c in nb.cells if c.cell_type == "code"]
    if len(code) != len(outputs):
        raise ValueError(f"{chapter.id}: {len(code)} code cells but {len(outputs)} executed")
    # What an IPython kernel reports and nbclient records: MyST-NB takes the code cells' lexer from it.
    nb.metadata["language_info"] = {
        "name": "python", "version": platform.python_version(), "mimetype": "text/x-python",
        "codemirror_mode": {"name": "ipython", "version": 3}, "pygments_lexer": "ipython3",
        "nbconvert_exporter": "python", "file_extension": ".py"}
    for count, (cell, outs) in enumerate(zip(code, outputs, strict=True), 1):
        cell.outputs = [nbformat.from_dict(o) for o in outs]
        cell.execution_count = count
        for o in cell.outputs:
            if o.get("output_type") == "execute_result":
                o["execution_count"] = count
    cache = get_cache(str(CACHE))
    cache.add_nb_to_project(str(chapter.path), read_data=MYST_NB_READER)
    cache.cache_notebook_bundle(CacheBundleIn(nb, str(chapter.path), data={"execution_seconds": seconds}),
                                check_validity=False, overwrite=True)


def failure_line(path: str, traceback: str) -> str:
    """One line for the end of the log: the chapter, the cell and the check's message."""
    text = ANSI.sub("", traceback)
    rel = Path(path).relative_to(ROOT)
    message = ""
    for line in reversed(text.splitlines()):
        if re.match(r"^\w*(CheckFailed|Error|Exception)\b.*?:", line.strip()):
            message = line.strip()
            break
    cell = re.search(r"An error occurred while executing the following cell:\s*-+\s*\n(.+?)\n", text)
    where = f" (cell starting `{cell.group(1).strip()[:60]}`)" if cell else ""
    return f"  {rel}{where}:\n    {message or text.strip().splitlines()[-1]}"


def build() -> int:
    """jupyter-book's own command line (in this process, whose imports it shares), with Sphinx reading and
    writing on every core: its ``build_sphinx`` takes ``jobs`` (Sphinx's ``-j``), which the command line does
    not expose."""
    import contextlib
    import functools

    from jupyter_book import sphinx
    from jupyter_book.cli.main import main as jupyter_book

    sphinx.build_sphinx = functools.partial(sphinx.build_sphinx, jobs=os.cpu_count() or 1)
    with contextlib.chdir(ROOT):
        try:
            jupyter_book(["build", str(ROOT), "--path-output", str(ROOT), "-W", "-n", "--keep-going"])
        except SystemExit as done:
            return done.code if isinstance(done.code, int) else 1
    return 0


def export_executed(target: Path) -> int:
    """Write every cached chapter as an executed notebook under ``target`` (a CI shard's artifact)."""
    import nbformat
    from jupyter_cache import get_cache

    cache, n = get_cache(str(CACHE)), 0
    for chapter in chapters():
        cache.add_nb_to_project(str(chapter.path), read_data=MYST_NB_READER)
        record = cache.get_cached_project_nb(str(chapter.path))
        if record is not None:
            bundle = cache.get_cache_bundle(record.pk)
            bundle.nb.metadata["kx_execution_seconds"] = bundle.record.data.get("execution_seconds")
            out = target / f"{chapter.id}.ipynb"
            out.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(bundle.nb, out)
            n += 1
    print(f"exported {n} executed chapters to {target}")
    return 0


def import_executed(source: Path) -> int:
    """Put the executed chapters exported by shards (``--export``) into this build's cache."""
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    invalidate()
    cache, by_id, n = get_cache(str(CACHE)), {c.id: c for c in chapters()}, 0
    for f in sorted(source.rglob("*.ipynb")):
        chapter = by_id.get(f.relative_to(source).with_suffix("").as_posix())
        if chapter is None:
            continue
        nb = nbformat.read(f, as_version=4)
        data = {"execution_seconds": nb.metadata.pop("kx_execution_seconds", None)}
        cache.add_nb_to_project(str(chapter.path), read_data=MYST_NB_READER)
        cache.cache_notebook_bundle(CacheBundleIn(nb, str(chapter.path), data=data), check_validity=False,
                                    overwrite=True)
        n += 1
    print(f"imported {n} executed chapters from {source}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--export", type=Path, metavar="DIR", help="write the cached executed chapters to DIR")
    ap.add_argument("--import", dest="import_", type=Path, metavar="DIR", help="cache executed chapters from DIR")
    args = ap.parse_args(argv)
    if args.export:
        return export_executed(args.export)
    if args.import_:
        return import_executed(args.import_)
    invalidate()
    failed = execute(timeout=300)
    code = build()
    if failed:
        print(f"\nmake book: {len(failed)} chapter(s) failed; the rest of the book was built "
              f"({(BUILD / 'html' / 'index.html').relative_to(ROOT)}):")
        for path, tb in sorted(failed.items()):
            print(failure_line(path, tb))
        print("A check that fails on your machine but not in CI: see README, 'When a check fails'.")
        return 1
    if code != 0:
        print("\nmake book: the build reported warnings or errors (above); the pages are in _build/html")
    return code


if __name__ == "__main__":
    sys.exit(main())
