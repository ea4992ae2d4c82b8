"""Django settings, read from the environment (see .env.example for every variable)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from wallboard import development
from wallboard.env import env_bool, env_float, env_int, env_list, env_networks, env_str, env_url
from wallboard.logging_config import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
# A local .env fills in what the real environment leaves unset; it never overrides it.
load_dotenv(BASE_DIR / ".env", override=False)

# Production is the default: DEBUG only when asked for (`make run` and the tests ask).
DEBUG = env_bool("DEBUG", False)
HOW_TO = "See .env.example (or set DEBUG=true for development)."


def _secret(name: str, development_value: str) -> str:
    """A secret from the environment; in production a missing one, or the development value
    written in this repository, stops the process with one line that says what to do."""
    value = env_str(name)
    if DEBUG:
        return value or development_value
    if not value:
        raise SystemExit(
            f"wallboard: {name} is not set; production (DEBUG off) needs one. {HOW_TO}"
        )
    if value == development_value:
        raise SystemExit(
            f"wallboard: {name} is the development value from the repository; "
            f"production (DEBUG off) needs its own. {HOW_TO}"
        )
    return value


SECRET_KEY = _secret("SECRET_KEY", development.SECRET_KEY)
FIELD_ENCRYPTION_KEY = _secret("FIELD_ENCRYPTION_KEY", development.FIELD_ENCRYPTION_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

REDIS_URL = env_url("REDIS_URL", "redis://127.0.0.1:6379/0", schemes=("redis", "rediss", "unix"))
VOICE360_BASE_URL = env_url(
    "VOICE360_BASE_URL", "http://127.0.0.1:8001/v3/voice", schemes=("http", "https")
).rstrip("/")
VOICE360_TIMEOUT_SECONDS = env_int("VOICE360_TIMEOUT_SECONDS", 10, minimum=1)

# The polling engine (polling/). Upstream limits are the API doc's; the window is a setting so
# that tests can shrink it together with the sandbox's.
VOICE360_KEY_RATE_LIMIT = env_int("VOICE360_KEY_RATE_LIMIT", 1000, minimum=1)
VOICE360_PUBLIC_RATE_LIMIT = env_int("VOICE360_PUBLIC_RATE_LIMIT", 100, minimum=1)
POLL_RATE_WINDOW_SECONDS = env_float("POLL_RATE_WINDOW_SECONDS", 60.0, minimum=1.0)
POLL_PUBLIC_BUDGET_PERCENT = env_int("POLL_PUBLIC_BUDGET_PERCENT", 90, minimum=1)
POLL_CONFIG_REFRESH_SECONDS = env_float("POLL_CONFIG_REFRESH_SECONDS", 300.0, minimum=1.0)
POLL_KEY_RETRY_SECONDS = env_float("POLL_KEY_RETRY_SECONDS", 300.0, minimum=1.0)
POLL_BACKOFF_MAX_SECONDS = env_float("POLL_BACKOFF_MAX_SECONDS", 30.0, minimum=1.0)
POLL_CALL_DRIFT_SECONDS = env_float("POLL_CALL_DRIFT_SECONDS", 3.0, minimum=0.0)
# Webhook events trigger an early poll: the first event of a burst waits this long for the
# rest of it, and early polls may use this share of each rate bucket (the regular schedule
# is planned on the remainder and stretches instead).
EARLY_POLL_DEBOUNCE_SECONDS = env_float("EARLY_POLL_DEBOUNCE_SECONDS", 0.1, minimum=0.0)
EARLY_POLL_BUDGET_PERCENT = min(80, env_int("EARLY_POLL_BUDGET_PERCENT", 20, minimum=0))

# Alerts (README "Alerts"). Outgoing webhooks (Slack-compatible) must be https unless
# ALERT_WEBHOOK_ALLOW_HTTP is on (local tests and development); a post waits at most the
# timeout and is retried a few times, ALERT_WEBHOOK_RETRY_SECONDS apart and growing.
# ALERT_LINK_BASE_URL (e.g. https://wall.example.com) lets the message link to the board.
ALERT_WEBHOOK_ALLOW_HTTP = env_bool("ALERT_WEBHOOK_ALLOW_HTTP", False)
# Outgoing webhooks go to public addresses only; this lets private and loopback ones through
# (an internal chat server, development). Link-local, multicast and reserved: never.
ALERT_WEBHOOK_ALLOW_PRIVATE = env_bool("ALERT_WEBHOOK_ALLOW_PRIVATE", False)
ALERT_WEBHOOK_TIMEOUT_SECONDS = env_float("ALERT_WEBHOOK_TIMEOUT_SECONDS", 5.0, minimum=0.1)
ALERT_WEBHOOK_RETRIES = env_int("ALERT_WEBHOOK_RETRIES", 3, minimum=0)
ALERT_WEBHOOK_RETRY_SECONDS = env_float("ALERT_WEBHOOK_RETRY_SECONDS", 5.0, minimum=0.0)
ALERT_LINK_BASE_URL = env_str("ALERT_LINK_BASE_URL", "").rstrip("/")
# The webhook receiver (webhooks/): events are kept this many days (purged hourly), and a
# delivery larger than this many bytes is refused with 413.
WEBHOOK_RETENTION_DAYS = env_int("WEBHOOK_RETENTION_DAYS", 30, minimum=1)
# Each queue's 15-minute intervals (service/intervals.py) are kept this long.
SERVICE_HISTORY_DAYS = env_int("SERVICE_HISTORY_DAYS", 90, minimum=1)
# Replay (snapshots/replay.py): how far back a supervisor can rewind a board.
REPLAY_HOURS = env_int("REPLAY_HOURS", 8, minimum=1)
WEBHOOK_MAX_BODY_BYTES = env_int("WEBHOOK_MAX_BODY_BYTES", 65536, minimum=1024)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "template_partials",
    "adminsortable2",
    "axes",
    "accounts",
    "polling",
    "boards",
    "webhooks",
    "alerts",
    "service",
    "monitoring",
    "demo",
]

MIDDLEWARE = [
    "wallboard.access_log.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware for the staff's pages only: a board's pages speak the board's
    # language, whatever the browser's (wallboard/staff_language.py).
    "wallboard.staff_language.StaffLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wallboard.urls"
ASGI_APPLICATION = "wallboard.asgi.application"
WSGI_APPLICATION = None

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
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except (ValueError, dj_database_url.UnknownSchemeError) as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Django knows: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL, as production runs: a pool of connections per process (the web process's
    # request threads, each worker child), instead of a connection kept per thread. A pool
    # and persistent connections exclude each other. Children of the Celery worker open their
    # own (wallboard/celery.py).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env_int("DATABASE_POOL_MAX_SIZE", 10, minimum=1),
        "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# A board's screens speak its own language (Board.language); these are the ones translated.
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("fr", "Français"), ("es", "Español"),
             ("nl", "Nederlands")]  # fmt: skip
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        # Pub/sub channels ignore the Redis database number: two deployments (or a test
        # stack beside `make run`) on one Redis need different prefixes.
        "CONFIG": {"hosts": [REDIS_URL], "prefix": env_str("CHANNEL_LAYER_PREFIX", "asgi")},
    }
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"

# /metrics (monitoring/metrics.py): with a token, only `Authorization: Bearer <token>` may
# read it; without, only the client addresses of METRICS_ALLOWED_IPS (loopback by default).
METRICS_TOKEN = env_str("METRICS_TOKEN")
METRICS_ALLOWED_IPS = env_networks("METRICS_ALLOWED_IPS", ["127.0.0.0/8", "::1"])

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOGGING = logging_config(LOG_LEVEL)

# --- TV screens (README "TV screens") -------------------------------------------------------
# A playlist board stays on screen at least this many seconds (tests shorten it).
PLAYLIST_MIN_SECONDS = env_float("PLAYLIST_MIN_SECONDS", 5.0, minimum=0.5)
# "Reload all screens" spreads the screens' reloads over this many seconds (random jitter).
SCREEN_RELOAD_SPREAD_SECONDS = env_float("SCREEN_RELOAD_SPREAD_SECONDS", 10.0, minimum=0.0)
# The build id pages compare after each reconnect to reload into new assets; empty: a hash of
# the static files, computed once at start.
BUILD_ID = env_str("BUILD_ID")

# --- Security (README "Security") ----------------------------------------------------------
# A strict Content-Security-Policy: no inline scripts or styles, no eval, framed by nobody.
# Public status pages alone may be framed, by the sites in EMBED_ALLOWED_ORIGINS.
EMBED_ALLOWED_ORIGINS = env_list("EMBED_ALLOWED_ORIGINS", ["*"])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],  # 'self' covers ws:/wss: to this host (CSP level 3)
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"

# Password guessing: django-axes locks a username+IP out after failed logins.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# The load balancers or proxies in front of the web processes (addresses or networks): only
# their X-Forwarded-For is believed, to tell the client's address (wallboard/client_ip.py).
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES", [])
AXES_CLIENT_IP_CALLABLE = "wallboard.client_ip.request_client_ip"
# Pages at other origins than the server's own that may open its websockets (scheme, host and
# port, e.g. https://wall.example.com where a proxy rewrites the Host): live/origin.py.
WEBSOCKET_ALLOWED_ORIGINS = env_list("WEBSOCKET_ALLOWED_ORIGINS", [])
# Public status-page sockets one client address may hold open on one web process.
PUBLIC_WEBSOCKETS_PER_IP = env_int("PUBLIC_WEBSOCKETS_PER_IP", 50, minimum=1)
RATELIMIT_IP_META_KEY = "wallboard.client_ip.request_client_ip"

# Our own public routes are limited per client IP (django-ratelimit, counted in Redis).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "wb-cache",
        "OPTIONS": {"pool_class": "wallboard.redis.SharedConnectionPool"},
    }
}
PUBLIC_RATE_LIMIT = env_str("PUBLIC_RATE_LIMIT", "120/m")
# TV pages are limited per screen (kiosk token) instead: the TVs of an office share its address.
KIOSK_RATE_LIMIT = env_str("KIOSK_RATE_LIMIT", "30/m")
# Past the limit django-ratelimit raises Ratelimited (a PermissionDenied); handler403 in
# wallboard/urls.py answers it with 429. (Its own middleware would do the same, but it is
# sync-only: a thread hop for every request under ASGI.)

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Probes inside the container or host speak plain http to the process: no redirect.
    SECURE_REDIRECT_EXEMPT = [r"^livez$", r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "board-index"
LOGOUT_REDIRECT_URL = "login"
