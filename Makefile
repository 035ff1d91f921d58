# Every target sets up .venv itself, so `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Headless, without usage statistics (.streamlit/config.toml). The launcher loads the heavy modules and
# the store before the server answers, and passes the firm's accent (Report page) as the theme colour.
run: $(STAMP)
	$(BIN)/python -m roi.ui.launch --server.port=$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/vulture roi pages app.py serve_app.py tests bench tools/vulture_whitelist.py --exclude roi/store/migrations

# The test suite also runs the usage engine on Spark (the `spark` extra; Java 17+ from Debian's
# openjdk-17-jre-headless, which .ci/run installs): without Java those tests skip locally.
SPARK_STAMP := $(VENV)/.installed-spark
$(SPARK_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	touch $(SPARK_STAMP)

# The sign-in tests start a real OpenID Connect provider (tests/oidc: oidc-provider from the npm
# registry) on the machine's Node.js (Debian's nodejs and npm, which .ci/run installs): without npm
# those tests skip locally.
OIDC_STAMP := tests/oidc/node_modules/.installed
$(OIDC_STAMP): tests/oidc/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/oidc --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the sign-in browser tests will skip (apt-get install nodejs npm)"; fi

test: lint $(SPARK_STAMP) $(OIDC_STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/bench_ui.py
	$(BIN)/python bench/bench_browser.py
	$(BIN)/python bench/bench_usage.py
	$(BIN)/python bench/bench_evals.py
	$(BIN)/python bench/bench_report.py
	$(BIN)/python bench/bench_uncertainty.py
	$(BIN)/python bench/bench_load.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis tests/oidc/node_modules
