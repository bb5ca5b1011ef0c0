# The two commands: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export OTOP_DEMO ?= true

.PHONY: install run test check lint unit db api browser bench bench-10x test-faults messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/otop-pos migrate
	$(BIN)/otop-pos seed --demo --if-empty --history 28 --sales-per-day 60
	$(BIN)/otop-pos serve

test: install check
	$(BIN)/pytest -n 2 --dist loadfile --ignore=tests/faults/test_crash.py
	$(BIN)/pytest tests/faults/test_crash.py  # alone: its SIGKILLs must land on sales in flight

check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy kernel inventory payments pos integrity demo web

unit: install
	$(BIN)/pytest tests/unit
db: install
	$(BIN)/pytest tests/db
api: install
	$(BIN)/pytest tests/api
browser: install
	$(BIN)/pytest tests/browser

bench: install
	$(BIN)/python -m bench
# Issue 22's table at ten times (builds the 10x history into var/bench/ the first time; set
# OTOP_BENCH_POSTGRESQL to a database URL for PostgreSQL too).
bench-10x: install
	$(BIN)/python -m bench --only scale

# The long crash test (8 tills, 8 SIGKILLs on SQLite, PostgreSQL, PostgreSQL with 2 workers),
# the memory soak (OTOP_SOAK_SECONDS, default 180), the long schemathesis run (both databases,
# every phase) and the long state machine (200 x 50 steps); `make test` runs short forms of each.
test-faults: install
	$(BIN)/python -m tests.faults.crash
	$(BIN)/python -m tests.faults.soak
	OTOP_FUZZ=long $(BIN)/pytest tests/api/test_openapi_fuzz.py
	OTOP_STATEFUL=long $(BIN)/pytest tests/db/test_state_machine.py

# The catalogue's source text: every coded refusal (its code as context, its Thai as the id),
# in var/messages.pot. Each error class takes (code, Thai, ...); `__init__` finds the sentence
# an error subclass builds itself (InsufficientStockError).
messages: install
	mkdir -p var && $(BIN)/pybabel extract -F babel.cfg -k DomainError:1c,2 -k InvalidInputError:1c,2 -k NotFoundError:1c,2 -k ConflictError:1c,2 -k ForbiddenError:1c,2 -k InsufficientStockError:1c,2 -k SlipReusedError:1c,2 -k BadCredentialsError:1c,2 -k TooManyAttemptsError:1c,2 -k PromptPayError:1c,2 -k __init__:1c,2 -o var/messages.pot .

clean:
	rm -rf $(VENV) var build *.egg-info
