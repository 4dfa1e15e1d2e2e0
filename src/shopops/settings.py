"""Settings: everything that differs between machines comes from the environment.

Every variable is read, typed and checked by `shopops.environment.Environment`: a value
that does not parse (`EMAIL_USE_TLS=maybe`, `EMAIL_PORT=twenty-five`) stops start-up with
a message naming the variable and what it accepts. The README's Configuration table lists
them all with their defaults.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from shopops.environment import Environment

env = Environment()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env.str("SHOPOPS_VAR_DIR", str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

ENV = env.choice("SHOPOPS_ENV", "development", ("development", "production"))
PRODUCTION = ENV == "production"

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", "")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when SHOPOPS_ENV=production")
else:
    SECRET_KEY = env.str(
        "SECRET_KEY", "dev-only-insecure-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    )

DEBUG = env.bool("DEBUG", True) and not PRODUCTION
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "huey.contrib.djhuey",
    "shopops.core",
    "shopops.org",
    "shopops.catalog",
    "shopops.customers",
    "shopops.orders",
    "shopops.stock",
    "shopops.aftersales",
    "shopops.purchasing",
    "shopops.shipping",
    "shopops.web",
    "shopops.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shopops.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shopops.urls"
WSGI_APPLICATION = "shopops.wsgi.application"

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
                "shopops.web.context_processors.navigation",
            ],
        },
    },
]

# --- database -------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "shopops.sqlite3"
DATABASES = {
    "default": env.database_url(
        "DATABASE_URL", f"sqlite:///{SQLITE_PATH}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue on the lock instead of failing on upgrade from a read lock.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-shopops.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -----------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "today"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"

# --- i18n -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.time_zone("SHOPOPS_TIME_ZONE", "Asia/Shanghai")
SHOP_TIME_ZONE = TIME_ZONE

# --- static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded order reports hold buyers' names, phones and addresses: the nightly job deletes
# the files of finished imports older than this (0 keeps them for ever).
IMPORT_RETENTION_DAYS = env.int("SHOPOPS_IMPORT_RETENTION_DAYS", 90)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- jobs -------------------------------------------------------------------
REDIS_URL = env.url("REDIS_URL", "", schemes=("redis", "rediss", "unix"))
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "shopops",
        "url": REDIS_URL,
        "immediate": False,
        "utc": True,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "shopops",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
        "utc": True,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# --- mail and notifications -------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "shopops@localhost")
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS and EMAIL_USE_SSL are both on: set one of them (STARTTLS, usually "
        "port 587, or implicit TLS, usually 465), not both"
    )

# --- security in production ---------------------------------------------------
# Read (and checked) on every machine, used in production only.
_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31536000)
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _SSL_REDIRECT
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = _HSTS_SECONDS
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.log_level("LOG_LEVEL", "WARNING")},
    "loggers": {"huey": {"level": "INFO"}},
}
