# Portaal — the two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format schema schema-release bench bench-data bench-smoke bench-mixed clean messages graphiql-assets security

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## make run: install, migrate the embedded SQLite database, load the demo data and serve GraphQL
run: $(STAMP)
	$(BIN)/portaal serve --dev

## make test: the whole suite on SQLite and PostgreSQL (TEST_DATABASE_URL)
test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m portaal.schema_changes

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

schema: $(STAMP)
	$(BIN)/portaal export-schema

## make schema-release: after a release, the released schema becomes the compatibility baseline
schema-release: $(STAMP)
	$(BIN)/python -m portaal.schema_changes --release

## make messages: extract message ids, update the nl/en catalogues, compile them (babel)
LOCALES := resolvers/core/locale
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --project=Portaal \
		-k N_ -k translate -k DomainError:2 -k _error:1 -k weak:1 -k _invalid:1 -k forbidden:1 \
		-o $(LOCALES)/portaal.pot domain persistence resolvers schema portaal
	$(BIN)/pybabel update -i $(LOCALES)/portaal.pot -d $(LOCALES) -D portaal --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python scripts/english_catalogue.py
	$(BIN)/pybabel compile -d $(LOCALES) -D portaal

## make graphiql-assets: re-vendor GraphiQL from the npm registry (versions in the script)
graphiql-assets:
	scripts/vendor-graphiql.sh

bench: $(STAMP)
	$(BIN)/python bench/run.py

## make bench-data: fill the PostgreSQL database `bench` (SCALE=1; BENCH_DATABASE_URL to change)
bench-data: $(STAMP)
	$(BIN)/python -m bench.data --scale $(or $(SCALE),1) --database-url $(or $(BENCH_DATABASE_URL),postgresql://postgres@127.0.0.1:5432/bench)

## make bench-smoke: every benchmark once on a fresh `bench_smoke` database, JSON checked, no timing
bench-smoke: $(STAMP)
	$(BIN)/python bench/run.py --smoke
	$(BIN)/python -m bench.meldcode --smoke
	$(BIN)/python -m bench.mixed_load --smoke

## make bench-mixed: 60 s of mixed portal traffic on `bench_faults` (scale 0.1), 2 uvicorn workers
bench-mixed: $(STAMP)
	$(BIN)/python -m bench.mixed_load

## make security: the fast hardening checks (issue 17) on SQLite, printing their figures
SECURITY_TESTS := tests/test_throttling.py tests/test_string_lengths.py tests/test_body_limit.py \
	tests/test_query_cost.py tests/test_get_documents.py tests/test_node_existence.py \
	tests/test_mail_throttle.py tests/test_operations.py tests/test_authz_matrix.py tests/test_fuzz.py
security: $(STAMP)
	@mkdir -p var
	@$(BIN)/python -m pytest -q -p no:randomly -s -k "not postgres" $(SECURITY_TESTS) \
		> var/security.log 2>&1; status=$$?; \
		grep -E "^(fuzz|authorization matrix|operations|40 MB)|passed|failed" var/security.log; \
		exit $$status

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
