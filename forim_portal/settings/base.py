"""Settings read from the environment, with an embedded default.

Nothing configured means SQLite, Celery tasks run in-process and e-mail printed to
the console, so `make run` works on a fresh machine. `DATABASE_URL`,
`CELERY_BROKER_URL`, `SECRET_KEY`, `ALLOWED_HOSTS` and friends switch to real services.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-local-development-only")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
IATI_REPORTING_ORG_REF = os.environ.get("IATI_REPORTING_ORG_REF", "FR-RNA-W751234567")  # placeholder: FORIM's org-id

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "accounts",
    "lifecycle",
    "members",
    "grants",
    "intents",  # statements of intent: the first stage of two-stage calls (Mésoprojets)
    "reviews",
    "awards",
    "documents",
    "events",
    "support",
    "history",  # past projects imported from FORIM's spreadsheets (laureates map, track record)
    "dashboards",
    "outbox",
    "operations",
    "access",  # who sees what and may do what (depends on every domain app above)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.ActiveOrganisationMiddleware",
    "forim_portal.middleware.DomainErrorMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "forim_portal.urls"
WSGI_APPLICATION = "forim_portal.wsgi.application"
ASGI_APPLICATION = "forim_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
            # {{ amount|euros }} everywhere, one format per language (forim_portal.formats).
            "builtins": ["forim_portal.formats.filters"],
        },
    },
]

# Selects write their options in Python, the same markup as Django's templates (forim_portal.widgets, issue 15).
FORM_RENDERER = "forim_portal.widgets.FormRenderer"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
SQLITE_BUSY_TIMEOUT_SECONDS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_SECONDS", "20"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default, made for concurrent writers: they wait for each other instead of
    # failing with "database is locked". WAL lets readers go on while one writes; every
    # transaction takes the write lock when it begins (IMMEDIATE), so none is refused halfway
    # for having read first; a writer waits up to the busy timeout for the lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
        "init_command": f"PRAGMA journal_mode=WAL; PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}; PRAGMA synchronous=NORMAL",
    })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
OTP_TOTP_ISSUER = "Portail FORIM"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Django's, reading the session's user with their memberships in one query (accounts.backends).
    "accounts.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link is good for one day

# Login throttling (django-axes): five failures lock the (user, IP) pair for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers per language (forim_portal/formats/fr|en/formats.py), then Django's own.
FORMAT_MODULE_PATH = ["forim_portal.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
# Kosovo is on the OECD DAC list (grants/data/dac_recipients.json) but has no ISO 3166 code: the common "XK".
COUNTRIES_OVERRIDE = {"XK": "Kosovo"}
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded and generated files live outside the public web root and are served by views that
# check permissions first. Local disk by default; S3-compatible object storage (django-storages)
# when S3_BUCKET is set, so web and workers on separate machines share only the bucket.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media-not-served/"
S3_BUCKET = os.environ.get("S3_BUCKET", "")


def s3_storage_options(location=""):
    """django-storages' S3 options from the environment: private objects, never overwritten."""
    return {
        "bucket_name": S3_BUCKET,
        "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("S3_REGION", "eu-west-3"),
        "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
        "location": location or os.environ.get("S3_LOCATION", ""),
        "default_acl": None,
        "file_overwrite": False,
        # Files are streamed by our views after the permission check; a signed URL, if one is
        # ever made, lives five minutes.
        "querystring_auth": True,
        "querystring_expire": 300,
    }


STORAGES = {
    "default": (
        {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_storage_options()}
        if S3_BUCKET
        else {"BACKEND": os.environ.get("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")}
    ),
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_UPLOAD_SIZE = int(os.environ.get("MAX_UPLOAD_SIZE", str(10 * 1024 * 1024)))

# E-mail through Django 6.1's MAILERS. Console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}}
del EMAIL_HOST  # only MAILERS is read; keeping the name would trigger Django's deprecation warning
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "FORIM <ne-pas-repondre@forim.net>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with no broker configured, tasks run in-process (eager) so nothing else is needed.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", os.environ.get("REDIS_URL", ""))
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A killed worker's unacknowledged task is delivered again after this timeout: just above the
# longest task time limit (660 s), so an interrupted batch resumes in minutes, not an hour.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 900}
CELERY_BEAT_SCHEDULE = {
    "redispatch-outbox": {"task": "outbox.tasks.redispatch_outbox", "schedule": 60.0},
    "fail-stuck-document-jobs": {"task": "documents.tasks.fail_stuck_document_jobs", "schedule": 600.0},
    "requeue-lost-document-jobs": {"task": "documents.tasks.requeue_lost_document_jobs", "schedule": 300.0},
    "grants-correction-reminders": {"task": "grants.tasks.remind_corrections", "schedule": 6 * 3600.0},
    "awards-report-reminders": {"task": "awards.tasks.remind_reports", "schedule": 6 * 3600.0},
    "events-reminders": {"task": "events.tasks.send_event_reminders", "schedule": 3600.0},
    "members-purge-provisional-uploads": {"task": "members.tasks.purge_provisional_uploads", "schedule": 3600.0},
}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from Redis, written through to the database (they survive a Redis restart, and pages
    # go on while Redis is unreachable): one query less on every signed-in page.
    SESSION_ENGINE = "forim_portal.sessions"
else:
    # The database cache keeps no state in a process's memory, so throttles and
    # locks hold across several web processes even without Redis.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache_table"}}

REST_FRAMEWORK = {
    # The token class comes first so an unauthenticated call answers 401 (with WWW-Authenticate), not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "forim_portal.api.StrictFilterBackend",
        "rest_framework.filters.SearchFilter",
        "forim_portal.api.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "forim_portal.api.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle", "rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": os.environ.get("API_USER_RATE", "2000/hour"), "anon": "100/hour"},
    "EXCEPTION_HANDLER": "forim_portal.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FORIM portal API",
    "DESCRIPTION": (
        "API du portail FORIM (PRA/OSIM et autres programmes), avec les mêmes droits que les pages.\n\n"
        "**Authentification** : la session du navigateur, ou un jeton personnel créé sur « Mon profil » "
        "(en-tête `Authorization: Bearer <clé>`). Un jeton révoqué répond 401.\n\n"
        "**Listes** : `page`, `page_size` (1 à 200), les filtres indiqués, `search`, `ordering`. "
        "Un paramètre, un champ ou un tri inconnu répond 400 avec un JSON qui dit pourquoi."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The error answers every operation really gives (401/403/404/409/429...), declared once.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "forim_portal.schema.declare_errors"],
    # Schema quality is held by its own test (tests/api), not by `check --deploy`,
    # which must speak of deployment settings only.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    # One name per shared choice set, so clients get one enum for countries and dossier states.
    "ENUM_NAME_OVERRIDES": {"CountryEnum": "django_countries.countries", "DossierStateEnum": "grants.states.State"},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}, "axes": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},  # its import says "logger bridge initialized" at INFO
    },
}
