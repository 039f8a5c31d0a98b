"""Flowcast settings: everything comes from the environment, with embedded defaults.

See DESIGN §8. Unset KAFKA_BOOTSTRAP_SERVERS / REDIS_URL mean "embedded": `manage.py up`
starts a local broker and Redis and passes their addresses to the processes it runs.
"""

from __future__ import annotations

import os
import secrets
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import dj_database_url

from config.env import env_bool, env_int, env_list, env_secret, env_str
from config.layers import redis_layers

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("FLOWCAST_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

try:
    FLOWCAST_VERSION = version("flowcast")
except PackageNotFoundError:  # running from a checkout that was never installed
    FLOWCAST_VERSION = "0.0.0"


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
    "django_vite",
    "channels",
    "pipelines",
    "producer",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'flowcast.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Worker and daphne processes share the database file: wait for locks, don't fail.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Tests run real daphne and worker processes, which need a file, not :memory:.
    # One file per test run, so parallel runs never share (or delete) each other's.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so that anonymous API calls get 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "pipelines.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pipelines.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Flowcast API",
    "DESCRIPTION": "Build and operate Kafka → WebSocket pipelines.",
    "VERSION": FLOWCAST_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
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
    # second at most (producer.credits.PACE_SECONDS); behind like that, without draining
    # once, for SLOW_CLIENT_GRACE seconds it is skipped, then told what it missed (gap).
    "SOCKET_BUFFER_BYTES": env_int("FLOWCAST_SOCKET_BUFFER_BYTES", 16 * 1024, minimum=4096),
    # The kernel's send buffer of each WebSocket (SO_SNDBUF; 0: the kernel's autotuning, up
    # to net.ipv4.tcp_wmem's 4 MB each). At 1000 clients on one box the kernel ran short of
    # TCP memory, dropped segments and a few clients stalled on retransmission timeouts;
    # a fixed 128 KB made that rarer (not gone: the clients' receive buffers grow too).
    "SOCKET_SEND_BUFFER_BYTES": env_int("FLOWCAST_SOCKET_SEND_BUFFER_BYTES", 128 * 1024, minimum=0),
    "SLOW_CLIENT_GRACE": env_int("FLOWCAST_SLOW_CLIENT_GRACE", 10, minimum=0),
    # Intelligent Scaling (pipelines.scaling): seconds between lag measurements, how long a
    # high or low lag ratio must last before a change, and the pause after every change.
    "SCALE_INTERVAL": env_int("FLOWCAST_SCALE_INTERVAL", 3, minimum=1),
    "SCALE_UP_AFTER": env_int("FLOWCAST_SCALE_UP_AFTER", 5, minimum=0),
    "SCALE_DOWN_AFTER": env_int("FLOWCAST_SCALE_DOWN_AFTER", 30, minimum=0),
    "SCALE_COOLDOWN": env_int("FLOWCAST_SCALE_COOLDOWN", 15, minimum=0),
    # Bearer token for `GET /metrics`; unset: only this machine may scrape (metrics_access).
    "METRICS_TOKEN": env_secret("FLOWCAST_METRICS_TOKEN", min_length=16),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}
