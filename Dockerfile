# Flowcast: one image for every process kind (README "Deploying").
#
#   web (default)               python manage.py web [--port 8000] [--proxy-headers]
#   the worker supervisor       python manage.py run_pipelines
#   one component instance      python manage.py run_component <guid>
#   anything else of manage.py  migrate, createsuperuser, export_k8s, …
#
# The entrypoint is `python manage.py`, so `podman run IMAGE run_component <guid>` works.
# frontend/dist must be built first (`make image` does: `npm run build`).
ARG BASE_IMAGE=python:3.11-slim-bookworm

# --- builder: compilers and headers, the virtualenv with every wheel -----------------------
FROM ${BASE_IMAGE} AS builder
# The official image's Python lives in /usr/local; Debian's (the `make image` base) needs
# its headers and venv module from Debian packages.
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && if [ "$(command -v python3)" = /usr/bin/python3 ]; then \
      apt-get install -y --no-install-recommends python3-dev python3-venv; \
    fi \
 && rm -rf /var/lib/apt/lists/*
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
# Dependencies first (this layer changes only with them): pinned by the lock file, without
# the dev extras. An empty package stands in for Flowcast until the sources come.
COPY pyproject.toml requirements.lock ./
# A network that inspects TLS may hand a CA bundle in as the build secret `ca`.
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi \
 && python3 -m venv /opt/venv \
 && /opt/venv/bin/pip install -c requirements.lock . \
 && /opt/venv/bin/pip uninstall -y flowcast
COPY config ./config
COPY pipelines ./pipelines
COPY producer ./producer
# Editable: the code stays in /app, where settings find manage.py, templates and the front
# end next to it, and the package metadata (the version) is in the virtualenv.
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi \
 && /opt/venv/bin/pip install --no-deps -e .

# --- runtime: Python and the application, no compilers ---------------------------------------
FROM ${BASE_IMAGE}
ARG IMAGE=flowcast
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    FLOWCAST_DATA_DIR=/var/lib/flowcast \
    FLOWCAST_IMAGE=${IMAGE}
# A fixed numeric user, so Kubernetes' runAsNonRoot can check it (pipelines.k8s UID).
RUN groupadd --gid 10001 flowcast \
 && useradd --uid 10001 --gid 10001 --home-dir /var/lib/flowcast --no-create-home \
      --shell /usr/sbin/nologin flowcast \
 && install -d -o 10001 -g 10001 /var/lib/flowcast /var/lib/flowcast/static
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY manage.py pyproject.toml ./
COPY config ./config
COPY pipelines ./pipelines
COPY producer ./producer
COPY templates ./templates
COPY frontend/dist ./frontend/dist
# Bytecode now, since the root filesystem may be read-only at run time.
RUN python -m compileall -q /app
USER 10001:10001
EXPOSE 8000
ENTRYPOINT ["python", "manage.py"]
CMD ["web"]
