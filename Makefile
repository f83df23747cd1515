# Neural Enduro: `make install`, `make test`, `make demo`, `make lab`.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export PYTHONHASHSEED := 0

.PHONY: install test demo lab export check-sync check-readme readme clean-nbs bench

install: $(STAMP)

# torch goes in first as the CPU build that lies on this machine's disk, so the package's
# looser `torch>=2.3` does not pull a multi-GB CUDA build.
$(STAMP): settings.ini setup.py
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

export: install
	$(BIN)/nbdev_export

# The library must be exactly what the notebooks export: export into a scratch copy and diff.
check-sync: install
	@tmp=$$(mktemp -d); cp -r settings.ini nbs neural_enduro $$tmp/; \
	 (cd $$tmp && $(CURDIR)/$(BIN)/nbdev_export) || exit 1; \
	 if diff -r -x __pycache__ neural_enduro $$tmp/neural_enduro; then echo "library in sync with nbs/"; rm -rf $$tmp; \
	 else echo "ERROR: neural_enduro/ differs from what nbdev_export writes: run 'make export'"; rm -rf $$tmp; exit 1; fi

# README.md is generated from nbs/index.ipynb (Quarto is not available here).
readme: install
	$(BIN)/jupyter nbconvert --to markdown nbs/index.ipynb --stdout --log-level=ERROR > README.md

check-readme: install
	@$(BIN)/jupyter nbconvert --to markdown nbs/index.ipynb --stdout --log-level=ERROR | diff - README.md \
	 && echo "README.md matches nbs/index.ipynb" \
	 || (echo "ERROR: README.md differs from nbs/index.ipynb: run 'make readme'"; exit 1)

test: install check-sync check-readme
	$(BIN)/nbdev_test --n_workers 2 --timing
	$(BIN)/python -m pytest -q tests

# The main job: papermill runs the simulator notebook on the shipped checkpoints (a 300-step neural drive by the
# scripted driver beside the real emulator fed the same actions) -> data/neural_enduro_game.gif + figures.
demo: install
	@mkdir -p runs/demo
	$(BIN)/papermill nbs/05_simulator.ipynb runs/demo/simulator.ipynb --no-progress-bar \
	  -p out_gif data/neural_enduro_game.gif -p figures_json runs/demo/figures.json
	@echo "figures:"; cat runs/demo/figures.json; echo

bench: install
	$(BIN)/neural-enduro bench collect --json

lab: install
	$(BIN)/jupyter lab nbs/

clean-nbs: install
	$(BIN)/nbdev_clean
