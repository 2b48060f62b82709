# cheatdeck: `make` builds decks and sheets from source/ into dist/; `make test` runs the tests.
# Each target creates .venv on first use; nothing is installed outside it except the system
# packages the PDFs need (installed with apt-get when missing and we are root).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SOURCE ?= source
OUTPUT ?= dist
JOBS   ?=
PYTEST_ARGS ?=
# Bytecode for the checkout's own modules (an editable install has none; pip compiles the
# rest). Python reads .pyc even where PYTHONDONTWRITEBYTECODE stops it writing them, and a
# stale one is only ignored; compileall rewrites just what changed. A deck-only build saves
# the time of compiling builder/ on every run, and so does each of the test suite's many
# `python -m builder` processes and render workers.
COMPILE = $(BIN)/python -m compileall -q builder > /dev/null

.PHONY: all build test fuzz check bench corpus clean distclean system-deps schema rules-table i18n

all: build

# .ci/venv installs with uv (fetched from PyPI into the venv), else with pip.
$(VENV)/.installed: pyproject.toml .ci/venv
	bash .ci/venv $(PYTHON) $(VENV) .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	bash .ci/venv $(PYTHON) $(VENV) '.[test]'
	touch $@

system-deps:
	@bash .ci/system-deps

build: $(VENV)/.installed system-deps
	@$(COMPILE)
	$(BIN)/cheatdeck build $(SOURCE) -o $(OUTPUT)

check: $(VENV)/.installed
	$(BIN)/cheatdeck check --strict $(SOURCE)

# Test order is random (pytest-randomly prints its seed; rerun one with -p randomly
# --randomly-seed=N, or fix the order with -p no:randomly); the 10 slowest tests are listed.
test: $(VENV)/.installed-test system-deps
	@$(COMPILE)
	$(BIN)/python -m pytest -n auto --durations=10 $(PYTEST_ARGS)

# The property tests with Hypothesis' long profile: random, 5,000 examples each (minutes).
fuzz: $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=long $(BIN)/python -m pytest -n auto -p no:randomly tests/test_fuzz.py $(PYTEST_ARGS)

bench: $(VENV)/.installed-test system-deps
	@$(COMPILE)
	$(BIN)/python benchmarks/bench.py

# Other people's guides, built as a new user would: `make corpus CORPUS=folder-of-checkouts`
# prints per guide the exit status, objectives, weights, purposes and empty cards (a benchmark,
# not a test; docs/corpus.md).
CORPUS ?= ../shared/guides
corpus: $(VENV)/.installed
	@$(COMPILE)
	$(BIN)/python benchmarks/corpus.py $(CORPUS)

clean:
	rm -rf $(OUTPUT) build *.egg-info

distclean: clean
	rm -rf $(VENV)

schema: $(VENV)/.installed
	$(BIN)/python -m builder.serialize

# cheatdeck's own words: extract every message (babel.cfg) into builder/locale/cheatdeck.pot and
# merge it into each language's .po (then translate the new or fuzzy entries; tests/test_i18n.py
# fails while a catalogue is stale or has an untranslated message). The .po files are read as
# they are at run time, so nothing is compiled.
i18n: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg --project cheatdeck --copyright-holder "cheatdeck authors" \
		--add-location file --sort-by-file --no-wrap -o builder/locale/cheatdeck.pot builder templates
	$(BIN)/pybabel update -D cheatdeck -i builder/locale/cheatdeck.pot -d builder/locale --no-wrap \
		--ignore-pot-creation-date

# The README's rules table, from builder/catalogue.py (a test fails when they differ).
rules-table: $(VENV)/.installed
	$(BIN)/python -m builder.rules_table README.md
