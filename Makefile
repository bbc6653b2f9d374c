# The README's two set-up commands, `make serve` and `make test`, plus `make quick`.
#
# Everything runs in the project's own virtual environment, .venv, made with $(PYTHON) (python3
# by default: Debian and Ubuntu have no `python`, and refuse `pip install` outside a venv). Its
# packages are (re)installed only when a requirement file changed since the last install: a stamp
# file in .venv remembers each set.
#
#   make serve    serve set + spaCy models, then `python -m service` (HOST, PORT, ADMIN_TOKEN... from the environment)
#   make test     everything (requirements.txt) + models + Debian's chromium, then the whole test suite (CI runs this)
#   make quick    everything + models, then the everyday subset of the tests (no real servers, browser, Dask, training)
#   make install-serve / make install    only the installs of serve / test
#   make clean-venv                      remove .venv (the next command rebuilds it)

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PIP_FLAGS ?= --disable-pip-version-check

SERVE_REQS := requirements/serve.txt requirements/models.txt
ALL_REQS := requirements.txt requirements/serve.txt requirements/batch.txt requirements/dev.txt requirements/models.txt
SERVE_STAMP := $(VENV)/.installed-serve
ALL_STAMP := $(VENV)/.installed-all

# The everyday subset: no real server processes, no browser, no golden replay of every recorded
# case, no long fuzzing (whole files), and no retraining, Dask cluster or slow exhaustive checks
# (tests by name). See README, "Set-up: two commands".
QUICK_SKIP := --ignore=tests/test_server.py --ignore=tests/test_faults.py --ignore=tests/test_web.py \
	--ignore=tests/test_golden.py --ignore=tests/test_fuzz.py --ignore=tests/test_fuzz_damage.py \
	-k 'not retrain and not training_is_deterministic and not save_load_roundtrip and not jobs_are_shared \
	and not dask and not lemma_index and not check_estimator and not near_duplicates'
PYTEST_FLAGS ?= -q

serve: $(SERVE_STAMP)
	$(PY) -m service

test: $(ALL_STAMP) browser
	$(PY) -m pytest $(PYTEST_FLAGS)

quick: $(ALL_STAMP)
	$(PY) -m pytest $(PYTEST_FLAGS) $(QUICK_SKIP)

install-serve: $(SERVE_STAMP)
install: $(ALL_STAMP)

# Serving only: what `python -m service` imports, and the hash-pinned spaCy pipelines.
$(SERVE_STAMP): $(SERVE_REQS) | $(VENV)/bin/pip
	$(PIP) install $(PIP_FLAGS) -r requirements/serve.txt
	$(PIP) install $(PIP_FLAGS) --no-deps --require-hashes -r requirements/models.txt
	touch $@

# Everything (serving, batch, tests, lint); it covers the serve set too.
$(ALL_STAMP): $(ALL_REQS) | $(VENV)/bin/pip
	$(PIP) install $(PIP_FLAGS) -r requirements.txt
	$(PIP) install $(PIP_FLAGS) --no-deps --require-hashes -r requirements/models.txt
	touch $(SERVE_STAMP) $@

# The virtual environment. Debian and Ubuntu ship python3 without ensurepip (package
# python3-venv): as root it is installed with apt-get, otherwise the message says what to run.
$(VENV)/bin/pip:
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
	  echo "error: '$(PYTHON)' was not found. Install Python 3.11 or later (Debian/Ubuntu: apt-get install python3 python3-venv)," >&2; \
	  echo "       or name another interpreter: make PYTHON=/path/to/python3.11 ..." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "error: $$($(PYTHON) --version 2>&1) is too old; the pinned requirements need Python 3.11 or later." >&2; \
	  echo "       Name another interpreter: make PYTHON=/path/to/python3.11 ..." >&2; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1 || $(MAKE) --no-print-directory venv-support PYTHON='$(PYTHON)'
	$(PYTHON) -m venv --clear $(VENV)
	@test -x $@ || { echo "error: '$(PYTHON) -m venv' made no pip in $(VENV)." >&2; exit 1; }

venv-support:
	@set -e; ver=$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "$(PYTHON) has no ensurepip (Debian/Ubuntu: package python3-venv); installing it with apt-get"; \
	  export DEBIAN_FRONTEND=noninteractive; apt-get update -qq; \
	  apt-get install -y -qq python3-venv || true; \
	  $(PYTHON) -c 'import ensurepip' >/dev/null 2>&1 || apt-get install -y -qq "python$$ver-venv"; \
	else \
	  echo "error: $(PYTHON) cannot make a virtual environment: its ensurepip module is missing." >&2; \
	  echo "       On Debian/Ubuntu run:  sudo apt-get install python3-venv   (or python$$ver-venv), then run make again." >&2; \
	  exit 1; \
	fi; \
	$(PYTHON) -c 'import ensurepip' >/dev/null 2>&1 || { echo "error: still no ensurepip for $(PYTHON)" >&2; exit 1; }

# Debian's Chromium for the end-to-end browser test (Playwright drives it; it downloads nothing).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core; \
	  else \
	    echo "note: chromium is missing, so the browser tests will skip (as root: apt-get install chromium fonts-dejavu-core)"; \
	  fi; }

clean-venv:
	rm -rf $(VENV)

.PHONY: serve test quick install install-serve venv-support browser clean-venv
