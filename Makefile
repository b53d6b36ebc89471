# Everything the archive needs installs from this repository: pinned Python packages (requirements.txt)
# into .venv/, pinned npm packages (package-lock.json) into node_modules/, and the Debian packages below (headless Chromium for the browser tests, Noto fonts).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := chromium fonts-noto-core
export PYTHONPATH := $(CURDIR)

.PHONY: build serve test lint bench browser clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Node tools pinned in package-lock.json: Pagefind (static search fallback, search baseline), axe-core (browser tests).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

build: $(VENV)/.installed node_modules/.installed  ## convert sources/, update the index, publish site/ (only what changed)
	$(PY) -m archive build

serve: build  ## site + search service on http://127.0.0.1:8000
	$(PY) -m archive serve --port 8000

browser:  ## Debian's headless Chromium for the Playwright tests (Playwright's own download fails here)
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES); }

test: $(VENV)/.installed node_modules/.installed browser  ## the whole test suite (pytest's exit 5, no tests collected, is a failure)
	$(PY) -m pytest -q || { status=$$?; if [ $$status -eq 5 ]; then echo "no tests were collected" >&2; fi; exit $$status; }

lint: $(VENV)/.installed
	$(PY) -m ruff check core converters search_index archive tests bench
	$(PY) -m mypy

bench: $(VENV)/.installed node_modules/.installed  ## benchmarks vs baselines in the same run; BENCH_DOCS=10000 make bench for the large archive
	$(PY) -m bench

clean:  ## what the build generated, where mkdocs.yml puts it (python -m archive clean); without the venv, the default folders
	if [ -x $(PY) ]; then $(PY) -m archive clean; else rm -rf site site.tmp site.old build docs/van-ban docs/duyet docs/feeds docs/nguon docs/index.md; fi
