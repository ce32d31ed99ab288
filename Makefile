# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install bench bench-scaling bench-pieces bench-fit bench-draws docs-check clean

# .ci/make-venv falls back to `venv --without-pip` + the system pip, then virtualenv, where
# `python3 -m venv` cannot make a pip (Debian without python3-venv).
$(STAMP): pyproject.toml
	PYTHON=$(PYTHON) bash .ci/make-venv $(VENV)
	-$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/foedus demo

test: $(STAMP)
	$(BIN)/python -m pytest -ra

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# runs 10k/100k/1M, states, workers (a few minutes on 2 cores): docs/executors.md
bench-scaling: $(STAMP)
	$(BIN)/python benchmarks/scaling.py

# the calibration's likelihood and the ATOP catalogue's conversion (seconds)
bench-pieces: $(STAMP)
	$(BIN)/python benchmarks/pieces.py

bench-fit: $(STAMP)
	$(BIN)/python benchmarks/fit.py

# a forecast with 1 and with 20 parameter draws, side by side (docs/web.md, "How fast")
bench-draws: $(STAMP)
	$(BIN)/python benchmarks/param_draws.py

# re-run the commands the README and docs/ quote and name the stale outputs (a minute or two;
# `.venv/bin/python scripts/doc_outputs.py --slow` adds the fits and backtests: docs/testing.md)
docs-check: $(STAMP)
	$(BIN)/python scripts/doc_outputs.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
