"""Django settings, read from environment variables only (see README, "Configuration")."""

from __future__ import annotations

from pathlib import Path

from satudata.env import (
    data_home,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_time_zone,
    parse_database_url,
    secret_key,
)

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_home()

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Reverse proxies (addresses or networks) whose X-Forwarded-For is believed, e.g. for the
# feedback form's per-address limit; empty: the connecting address is the sender's.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# Which regencies this deployment covers: configuration, not code.
SATUDATA_REGENCIES = env_list("SATUDATA_REGENCIES", "61.12,62.01")
# Lockout after this many failed logins for one username, for LOGIN_LOCKOUT_MINUTES.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
# How long browsers may keep public pages; the server-side copy is dropped on any data change.
SATUDATA_PUBLIC_CACHE_SECONDS = env_int("SATUDATA_PUBLIC_CACHE_SECONDS", 30)
# Days a web import's error file (it quotes refused values: NIKs, names) is kept.
SATUDATA_IMPORT_ERROR_DAYS = env_int("SATUDATA_IMPORT_ERROR_DAYS", 30)
# Import files over this many MB are refused (registry/import_format.py, max_bytes).
SATUDATA_IMPORT_MAX_MB = env_int("SATUDATA_IMPORT_MAX_MB", 150)
# A file of at least this many rows may load with the registry's indexes set aside
# (registry/bulkindex.py, worth_deferring).
SATUDATA_IMPORT_DEFER_INDEXES_ROWS = env_int("SATUDATA_IMPORT_DEFER_INDEXES_ROWS", 20_000)
# Public population statistics are rebuilt, for the whole region tree at once, at most this
# often after registry writes (registry/statistics.py).
SATUDATA_STATISTICS_REFRESH_SECONDS = env_int("SATUDATA_STATISTICS_REFRESH_SECONDS", 60)
# Public population statistics change only once a period, from one stored release to the
# next (registry/releases.py); "live" follows every registration within the refresh above.
SATUDATA_STATISTICS_RELEASE = env_choice(
    "SATUDATA_STATISTICS_RELEASE", "monthly", ("monthly", "weekly", "daily", "live")
)

INSTALLED_APPS = [
    # Our apps come first so that our `check` command extends Django's.
    "satudata.core",
    "satudata.regions",
    "satudata.accounts",
    "satudata.audit",
    "satudata.registry",
    "satudata.datasets",
    "satudata.villages",
    "satudata.feedback",
    "satudata.letters",
    "satudata.quality",
    "satudata.integration",
    "satudata.portal",
    "satudata.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # `*` on anonymous reads of open data (API, CKAN, DCAT); answers their preflights.
    "satudata.core.cors.PublicCorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "satudata.accounts.middleware.IdleSessionMiddleware",
    "satudata.core.middleware.LanguageMiddleware",
    # A NUL in a query parameter: 400 before any view (PostgreSQL cannot search with one).
    "satudata.core.nul.NulParameterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A page, not a blank 405, for a form's address opened with GET (language switch).
    "satudata.core.middleware.MethodNotAllowedPage",
    # JSON 404/405 under /api/v1/, HEAD as GET: before the cache, which then keeps the GET.
    "satudata.api.http.ApiHttpMiddleware",
    "satudata.accounts.middleware.ApiTokenMiddleware",
    "satudata.core.cache.PublicCacheMiddleware",
    "satudata.core.middleware.SecurityHeadersMiddleware",
    # Innermost: a view's write that finds SQLite's lock held by an import gets a 503.
    "satudata.core.busy.BusyDatabaseMiddleware",
]

ROOT_URLCONF = "satudata.urls"
WSGI_APPLICATION = "satudata.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "satudata.core.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {"default": parse_database_url(env_str("DATABASE_URL"), DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["satudata.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # A Redis outage is a cache miss, not a 500 (core/cachebackend.py).
    CACHES = {
        "default": {
            "BACKEND": "satudata.core.cachebackend.TolerantRedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# With REDIS_URL, `satudata worker` also takes its jobs from Redis lists named with this prefix.
SATUDATA_QUEUE_PREFIX = env_str("SATUDATA_QUEUE_PREFIX", "satudata")
# Connectors pull public addresses only (integration/addresses.py): these name the internal
# sources allowed anyway, or lift the rule for development and tests.
CONNECTOR_ALLOW_PRIVATE_ADDRESSES = env_bool("CONNECTOR_ALLOW_PRIVATE_ADDRESSES", False)
CONNECTOR_ALLOWED_HOSTS = env_list("CONNECTOR_ALLOWED_HOSTS")
# The largest size limit a producer may give a connector (the server's disk space).
CONNECTOR_MAX_SIZE_MB = env_int("CONNECTOR_MAX_SIZE_MB", 200)

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "satudata_language"
USE_I18N = True
USE_TZ = True
# The regency's own: the day a statistics release or a letter is dated by (WITA, WIT too).
TIME_ZONE = env_time_zone("TIME_ZONE", "Asia/Jakarta")
LOCALE_PATHS: list[Path] = []

STATIC_URL = "/static/"
# Only needed for collectstatic behind a reverse proxy; embedded mode serves from the package.
STATIC_ROOT = env_str("STATIC_ROOT") or None
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Embedded mode serves static files straight from the installed package, no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
# Village office PCs are shared and operators see NIKs: a session ends after this many idle
# minutes (each request moves the end on), not Django's two weeks.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 480)
# Saved at most this often, not on every request (a write each; see
# accounts.middleware.IdleSessionMiddleware). A save sets the end to the save's time + the
# age, so the age adds this interval: a session lasts at least the idle minutes after its
# last request, and at most this interval more.
SESSION_TOUCH_SECONDS = 60
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60 + SESSION_TOUCH_SECONDS
SESSION_SAVE_EVERY_REQUEST = False
# The browser forgets the session when it closes; the idle limit above still holds if not.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Production mode (behind HTTPS): secure cookies and HSTS, see README "Deployment".
SECURE_MODE = env_bool("SATUDATA_HTTPS", False)
SESSION_COOKIE_SECURE = SECURE_MODE
CSRF_COOKIE_SECURE = SECURE_MODE
SECURE_SSL_REDIRECT = SECURE_MODE and env_bool("SATUDATA_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if SECURE_MODE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_MODE
SECURE_HSTS_PRELOAD = SECURE_MODE
if SECURE_MODE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No NIK, KK number or refused row's values in any line, tracebacks included (core.logs).
    "formatters": {
        "plain": {
            "()": "satudata.core.logs.PrivateFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "filters": {"client_mistake": {"()": "satudata.core.logs.ClientMistake"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers (a console one when DEBUG, mail to ADMINS, runserver's
        # request lines with their query strings) would bypass the formatter above: its
        # records go to the root's console only.
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
        # Django logs request bodies nowhere, but 4xx warnings carry paths; keep them terse.
        "django.request": {"level": "ERROR"},
        # A body or form too large is the client's doing, answered with a 400: one warning
        # line each, not a security ERROR with its traceback that anyone could repeat.
        **{
            f"django.security.{name}": {"filters": ["client_mistake"]}
            for name in ("RequestDataTooBig", "TooManyFieldsSent", "TooManyFilesSent")
        },
    },
}

NINJA_PAGINATION_PER_PAGE = 50
