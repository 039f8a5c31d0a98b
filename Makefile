# Flowcast: `make run` (the embedded default) and `make test` (the whole suite).
# Both set everything up on a fresh machine: the virtualenv, Python and npm packages,
# the front-end build.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
FRONTEND_MODULES := frontend/node_modules/.installed
FRONTEND_BUILD := frontend/dist/.vite/manifest.json
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/tsconfig*.json -type f 2>/dev/null)

.PHONY: run test install frontend api-types lint format lock bench clean image test-image

# The container image (Dockerfile), tagged with the package's version.
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
IMAGE ?= flowcast:$(VERSION)

run: install frontend
	$(PY) manage.py migrate --no-input
	$(PY) manage.py up

test: install frontend
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	# Three test processes: most tests wait on real brokers, daphnes and browsers, not the CPU.
	# They take whole files, longest first (the order tests/conftest.py gives; xdist would
	# reorder them by test count). Beside them, one after the other: the front end's tests,
	# then the schema contract (schemathesis' generated cases run only in a plain pytest run;
	# its module loads the schema when imported, so the three processes do not import it).
	# Their reports are shown at the end; all must pass.
	mkdir -p var
	rm -f var/frontend-test.log var/contract.log
	(cd frontend && npm test) > var/frontend-test.log 2>&1 && \
		$(VENV)/bin/pytest -m contract > var/contract.log 2>&1 & beside=$$!; \
	$(VENV)/bin/pytest -n 3 --dist loadfile --no-loadscope-reorder -m "not contract" \
		--ignore=tests/api/test_schema_contract.py; \
	suite=$$?; wait $$beside; status=$$?; \
	echo "--- front end (npm test) ---"; cat var/frontend-test.log; \
	echo "--- schema contract (pytest -m contract) ---"; cat var/contract.log 2>/dev/null; \
	test $$suite -eq 0 && test $$status -eq 0

install: $(INSTALLED)

$(INSTALLED): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

frontend: $(FRONTEND_BUILD)

$(FRONTEND_MODULES): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

$(FRONTEND_BUILD): $(FRONTEND_MODULES) $(FRONTEND_SOURCES)
	cd frontend && npm run build

# The front end's API types (frontend/src/api/schema.d.ts) from the schema the server serves:
# run after changing the API; tests/frontend/test_api_types_fresh.py fails until then.
api-types: install $(FRONTEND_MODULES)
	mkdir -p var
	$(PY) manage.py spectacular --file var/openapi.yaml
	cd frontend && npm run --silent api-types -- ../var/openapi.yaml

# Needs root and Debian's podman, runc and debootstrap: no registry can be pulled from here,
# so the base is Debian bookworm made with debootstrap (deploy/build-image.sh).
image: frontend
	sh deploy/build-image.sh $(IMAGE)

# The image as web process, supervisor and worker against the test broker, Redis and
# database (tests/image; not part of `make test`).
test-image: install image
	FLOWCAST_TEST_IMAGE=$(IMAGE) $(VENV)/bin/pytest tests/image

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Re-pin every Python dependency after changing pyproject.toml.
lock: install
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

bench: install frontend
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist var
