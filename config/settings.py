"""Flowcast settings: everything comes from the environment, with embedded defaults.

See DESIGN §8. Unset KAFKA_BOOTSTRAP_SERVERS / REDIS_URL mean "embedded": `manage.py up`
starts a local broker and Redis and passes their addresses to the processes it runs.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from csp.constants import NONE, SELF, UNSAFE_INLINE

from config.database import default_database
from config.env import env_bool, env_float, env_int, env_list, env_rate, env_secret, env_str
from config.layers import redis_layers

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("FLOWCAST_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

try:
    FLOWCAST_VERSION = version("flowcast")
except PackageNotFoundError:  # running from a checkout that was never installed
    FLOWCAST_VERSION = "0.0.0"
# The container image that runs this process (`make image` tags it flowcast:<version>; the
# image and export_k8s's ConfigMap set it): what Container Image Version shows.
FLOWCAST_IMAGE = env_str("FLOWCAST_IMAGE", f"flowcast:{FLOWCAST_VERSION}")


def _secret_key() -> str:
    """Use SECRET_KEY, else a key kept in the data dir so sessions survive restarts."""
    key = env_str("SECRET_KEY")
    if key:
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_vite",
    "channels",
    "axes",
    "pipelines",
    "producer",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the 429 of AXES_LOCKOUT_CALLABLE.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pipelines.context_processors.flowcast",
            ],
        },
    },
]

# SQLite in DATA_DIR unless DATABASE_URL says otherwise; PostgreSQL gets a connection pool.
DATABASES = {"default": default_database(DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# API Ingestion accepts bodies up to its own limit (at most 10 MB); it answers 413 above.
DATA_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "pipeline-list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [FRONTEND_DIST] if FRONTEND_DIST.exists() else []
# Serve straight from the app and build folders: the embedded default needs no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DJANGO_VITE = {
    "default": {
        "dev_mode": env_bool("VITE_DEV_MODE", False),
        "manifest_path": FRONTEND_DIST / ".vite" / "manifest.json",
        "static_url_prefix": "",
    }
}

# Security headers (README "Headers"). No page runs inline script: templates carry data in
# data-* attributes, the front end and the API docs load their scripts from this site.
# Styles are 'self' too: React sets style props through the CSSOM (element.style), which
# CSP does not govern, so React Flow's positioned nodes need no 'unsafe-inline'. Only the
# API docs relax style-src (config.security.DOCS_POLICY).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        # Plus this host's ws:// or wss:// origin, added per request (config.security).
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if DJANGO_VITE["default"]["dev_mode"]:
    # `npm run dev` serves the scripts, injects the styles and reloads over its own socket.
    _directives = CONTENT_SECURITY_POLICY["DIRECTIVES"]
    _directives["script-src"] += ["http://localhost:5173"]
    _directives["style-src"] += [UNSAFE_INLINE]
    _directives["connect-src"] += ["http://localhost:5173", "ws://localhost:5173"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Behind a TLS-terminating proxy (README "Behind a TLS-terminating proxy"): the proxy's
# X-Forwarded-Proto is trusted, for HTTP requests and WebSocket handshakes alike
# (config.security.forwarded_https), so pages, `endpoint`s and snippets say https:// and
# wss://; cookies travel over HTTPS only and browsers are told to stay on HTTPS (HSTS).
# Without such a proxy any client could claim HTTPS with that header: turn it on only
# behind one, and have it overwrite whatever X-Forwarded-Proto a client sent.
BEHIND_TLS_PROXY = env_bool("FLOWCAST_BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = BEHIND_TLS_PROXY
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if BEHIND_TLS_PROXY else 0

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so that anonymous API calls get 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "pipelines.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "pipelines.api.schema.ErrorsAutoSchema",
    "EXCEPTION_HANDLER": "pipelines.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Flowcast API",
    "DESCRIPTION": "Build and operate Kafka → WebSocket pipelines.",
    "VERSION": FLOWCAST_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc come from drf_spectacular_sidecar's static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No "valid" badge fetched from validator.swagger.io: nothing leaves the site.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "pipelines.api.ingest_schema.add_ingest_operation",
    ],
}

# Runtime services. Empty means "not configured": `manage.py up` fills them in.
KAFKA_BOOTSTRAP_SERVERS = env_str("KAFKA_BOOTSTRAP_SERVERS")
REDIS_URL = env_str("REDIS_URL")

if REDIS_URL:
    CHANNEL_LAYERS = redis_layers(REDIS_URL)
else:
    # Only for processes that need no cross-process stream (unit tests, management tasks).
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

FLOWCAST = {
    "TOKEN_MAX_AGE": env_int("FLOWCAST_TOKEN_MAX_AGE", 300, minimum=1),
    "DEPLOYMENT_TYPE": env_str("FLOWCAST_DEPLOYMENT_TYPE", "embedded"),
    # Unsent bytes a WebSocket may hold in the server beyond the kernel's socket buffer;
    # past it nothing more is written to it. Such a client paces the stream for half a
    # second at most (producer.slow_clients.PACE_SECONDS); behind like that, without draining
    # once, for SLOW_CLIENT_GRACE seconds it is skipped, then told what it missed (gap).
    "SOCKET_BUFFER_BYTES": env_int("FLOWCAST_SOCKET_BUFFER_BYTES", 16 * 1024, minimum=4096),
    # The kernel's send buffer of each WebSocket (SO_SNDBUF; 0: the kernel's autotuning, up
    # to net.ipv4.tcp_wmem's 4 MB each). At 1000 clients on one box the kernel ran short of
    # TCP memory, dropped segments and a few clients stalled on retransmission timeouts;
    # a fixed 128 KB made that rarer (not gone: the clients' receive buffers grow too).
    "SOCKET_SEND_BUFFER_BYTES": env_int("FLOWCAST_SOCKET_SEND_BUFFER_BYTES", 128 * 1024, minimum=0),
    "SLOW_CLIENT_GRACE": env_int("FLOWCAST_SLOW_CLIENT_GRACE", 10, minimum=0),
    # A worker asked to stop exits by then whatever it waits on (run_component): longer than
    # the supervisor's 15 s grace, so only an orphan ever gets there.
    "STOP_DEADLINE_SECONDS": env_int("FLOWCAST_STOP_DEADLINE_SECONDS", 60, minimum=1),
    # Most records one repair reads back for one client's hole (producer.repair); a larger
    # hole is answered with a gap for the rest.
    "MAX_REPAIR": env_int("FLOWCAST_MAX_REPAIR", 100_000, minimum=1),
    # Tests only: a pause after every batch, to hold a worker's rate down (tests/runtime.py).
    "TEST_DELAY_PER_BATCH": env_float("FLOWCAST_TEST_DELAY_PER_BATCH", 0.0, minimum=0.0),
    # Consumer groups' session timeout. 6 s is the smallest a default Kafka broker allows;
    # the embedded broker answers a JoinGroup only after half of it, so the test suite
    # sets 2 s (every worker it starts joins 2 s sooner).
    "KAFKA_SESSION_TIMEOUT_MS": env_int("FLOWCAST_KAFKA_SESSION_TIMEOUT_MS", 6000, minimum=1000),
    # How long a fetch may wait for records (fetch.wait.max.ms). The embedded broker does not
    # answer a waiting fetch when a record arrives, so the wait is part of every hop's
    # latency: one produce -> fetch hop at 200 records/s took p50 3.8 ms at 10, 1.7-2.0 at
    # 5 and 1.8 at 2, for 6 % of a core per idle consumer at 5 (5 % at 10, 8 % at 2). A
    # Kafka cluster answers at once, so there a longer wait only saves idle requests. On
    # S3 storage (the broker-outage test) a read takes longer: that test sets 100.
    "KAFKA_FETCH_WAIT_MS": env_int("FLOWCAST_KAFKA_FETCH_WAIT_MS", 5, minimum=1),
    # Intelligent Scaling (pipelines.rules.scaling): seconds between lag measurements, how long a
    # high or low lag ratio must last before a change, and the pause after every change.
    "SCALE_INTERVAL": env_int("FLOWCAST_SCALE_INTERVAL", 3, minimum=1),
    "SCALE_UP_AFTER": env_int("FLOWCAST_SCALE_UP_AFTER", 5, minimum=0),
    "SCALE_DOWN_AFTER": env_int("FLOWCAST_SCALE_DOWN_AFTER", 30, minimum=0),
    "SCALE_COOLDOWN": env_int("FLOWCAST_SCALE_COOLDOWN", 15, minimum=0),
    # Bearer token for `GET /metrics`; unset: only this machine may scrape (scrape_access).
    "METRICS_TOKEN": env_secret("FLOWCAST_METRICS_TOKEN", min_length=16),
    # Abuse limits (pipelines.security.abuse_limits, README "Abuse limits"): (count, period in
    # seconds), counted in Redis by every web process together. The handshake defaults let
    # the benchmarks' 10,000 clients from one host connect at once; lower them for a site
    # that faces the internet.
    "LIMIT_TOKENS_PER_USER": env_rate("FLOWCAST_LIMIT_TOKENS_PER_USER", "60/minute"),
    "LIMIT_INGEST_REQUESTS": env_rate("FLOWCAST_LIMIT_INGEST_REQUESTS", "1000/second"),
    "LIMIT_INGEST_BYTES": env_rate("FLOWCAST_LIMIT_INGEST_BYTES", "20971520/second"),
    "LIMIT_HANDSHAKES_PER_ADDRESS": env_rate(
        "FLOWCAST_LIMIT_HANDSHAKES_PER_ADDRESS", "30000/minute"
    ),
    "LIMIT_HANDSHAKES_PER_COMPONENT": env_rate(
        "FLOWCAST_LIMIT_HANDSHAKES_PER_COMPONENT", "60000/minute"
    ),
}

# Failed logins (django-axes), per username and per address: the FAILURES-th failure within
# the cool-off locks both out until COOLOFF_SECONDS after the last attempt (attempts during
# the lockout restart it, so Retry-After is the whole cool-off). Kept in the database, which
# every web process shares: durable, listed in the admin (Access attempts), reset with
# `manage.py axes_reset`, and no second store to keep consistent with the users table.
AXES_FAILURE_LIMIT = env_int("FLOWCAST_LIMIT_LOGIN_FAILURES", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(
    seconds=env_int("FLOWCAST_LIMIT_LOGIN_COOLOFF_SECONDS", 900, minimum=1)
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
# A success does not wipe the failures: it would let anyone with an account reset the
# count of the address they guess from. Failures expire with the cool-off instead.
AXES_RESET_ON_SUCCESS = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins: not an abuse record (the audit log is)
AXES_LOCKOUT_CALLABLE = "pipelines.security.abuse_limits.login_lockout_response"
AXES_VERBOSE = False  # no banner in every process; failures are still logged

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}
