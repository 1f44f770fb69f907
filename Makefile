# Thin wrappers; every target sets up .venv from requirements.txt first (nothing else needs installing).
PYTHON ?= python3
# Small matrices run fastest single-threaded, and a loaded machine makes threaded BLAS spin: one thread each.
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.requirements.sha256

.PHONY: book test portability lab bench check-html check-build check-lab lint clean venv

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@sha256sum requirements.txt pyproject.toml > $(STAMP)

## book: build the HTML book into _build/html: chapters run in parallel into the execution cache, then
## jupyter-book builds the pages from it (warnings are errors; tests/harness/build.py)
book: venv
	$(BIN)/python -m tests.harness.build

## test: every chapter through nbval, plus the unit tests (parallel). Its check records are the portability
## run's native variant (PORTABILITY_ARGS=--reuse-native), and the chapters it executed go into the book's
## execution cache, so `make book` after it executes nothing twice
test: venv
	KX_RECORDS=_build/portability/native KX_BOOK_CACHE=1 $(BIN)/python -m pytest

## portability: the whole suite under other BLAS/SIMD kernels and thread counts; fails unless every
## deterministic check keeps 2x headroom on its tolerance everywhere (tests/harness/portability.py)
portability: venv
	$(BIN)/python -m tests.harness.portability $(PORTABILITY_ARGS)

## check-html: open every page of the built book in headless Chromium (offline) and check what a reader sees
## (tests/test_html.py; needs `make book` first and /usr/bin/chromium, Debian's `chromium` package;
## KX_HTML_DIR=<dir> checks another build)
check-html: venv
	@d=$${KX_HTML_DIR:-_build/html}; test -f $$d/index.html || { echo "no built book in $$d: run 'make book' first"; exit 1; }
	KX_HTML=1 $(BIN)/python -m pytest tests/test_html.py -n 0

## check-build: a small book built three ways (jupyter-book alone, serially; make book's parallel cache fill;
## make test's outputs reused) must make identical chapter pages (tests/test_build.py)
check-build: venv
	KX_BUILD_COMPARE=1 $(BIN)/python -m pytest tests/test_build.py -n 0

## check-lab: JupyterLab as a reader uses it, in headless Chromium: double-click a chapter, Run All, move a
## slider, wait past an autosave, git status clean (tests/test_lab.py; starts and stops its own server)
check-lab: venv
	KX_LAB=1 $(BIN)/python -m pytest tests/test_lab.py -n 0 -s

## lab: open JupyterLab on book/; a chapter (.md) opens as a notebook on double-click (the default viewer
## is set in .jupyter/labconfig, used through JUPYTER_CONFIG_PATH: your own Jupyter settings are untouched)
lab: venv
	JUPYTER_CONFIG_PATH=$(CURDIR)/.jupyter $(BIN)/jupyter lab --notebook-dir=book

## lint: ruff over the package, the tests, the bench and every chapter's code cells (88 columns)
lint: venv
	$(BIN)/ruff check kx_helpers tests bench
	$(BIN)/python -m tests.harness.lint

clean:
	rm -rf _build

## bench: per-chapter times (median of 3 fresh kernels), page weights, explorer redraws, build/test ratios
bench: venv
	$(BIN)/python bench/run.py $(BENCH_ARGS)
