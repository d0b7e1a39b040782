"""ZI settings: one file, driven by environment variables (see README "Configuration").

Defaults give the embedded newcomer mode: SQLite in ``var/``, tasks run in-process, mail to the
console. Setting DATABASE_URL and REDIS_URL switches to PostgreSQL, Redis and Celery workers.
Production differs from this file only through the environment; ``zi/checks.py`` refuses unsafe
combinations (DEBUG with public hosts, the development secret, SQLite or in-process tasks with DEBUG
off).
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from zi.env import env_bool, env_int, env_list, env_str, parse_database_url, redis_other_db
from zi.queues import celery_queue_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("ZI_VAR_DIR", str(BASE_DIR / "var")))

# -----------------------------------------------------------------------------
# Core
# https://docs.djangoproject.com/en/6.1/ref/settings/
# -----------------------------------------------------------------------------
DEV_SECRET_KEY = "zi-development-secret-do-not-use-in-production"  # noqa: S105 (checked by zi.E001)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ROOT_URLCONF = "zi.urls"
WSGI_APPLICATION = "zi.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # ZI
    "apps.core",
    "apps.accounts",
    "apps.tenancy",
    "apps.audit",
    "apps.unit_kerja",
    "apps.bukti_dukung",
    "apps.notifications",
    "apps.reports",
    "apps.lke",
    "apps.timkerja",
    "apps.diagnosis",
    "apps.penilaian",
    "apps.pengusulan",
    "apps.portalrb",
    "apps.tpn",
    "apps.nasional",
    "apps.outbox",
    "apps.pendampingan",
    "apps.pencanangan",
    "apps.survei",
    "apps.rencana_aksi",
    "apps.api",
    "apps.pemantauan",
    "apps.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "apps.api.edges.ApiEdgeMiddleware",  # NUL, overlong and oversize requests under /api/: JSON 4xx
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zi.db.replica.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.core.middleware.NoStoreWhenSignedInMiddleware",
    "apps.core.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.tenancy.middleware.ScopeMiddleware",
    "apps.accounts.middleware.MfaRequiredMiddleware",
    # A form is acted on once however often it is sent; uploads sent by script see their redirect.
    "apps.core.submissions.ProgressRedirectMiddleware",
    "apps.core.submissions.SubmitOnceMiddleware",
    "apps.core.middleware.DemoSiteUrlMiddleware",
]

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
                "django.template.context_processors.csp",
                "apps.core.context_processors.zi",
            ],
        },
    },
]

# -----------------------------------------------------------------------------
# Database: PostgreSQL from DATABASE_URL, else the embedded SQLite file.
# -----------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": parse_database_url(DATABASE_URL)}
    # Django's PostgreSQL backend plus the row-level-security switch (apps/tenancy/rls.py).
    DATABASES["default"]["ENGINE"] = "zi.db.postgresql"
    # Behind a transaction-pooling pgbouncer (docs/scale.md): RLS state is per transaction already;
    # server-side cursors cannot outlive a pooled transaction, so iterator() fetches client-side, and
    # query shapes are sent as SQL rather than prepared per session (apps/tenancy/shapes.py).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("ZI_DB_TRANSACTION_POOLING", default=False)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "zi.sqlite3",
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"},
        }
    }

# A streaming read replica for the heavy national reads (zi/db/replica.py, docs/scale.md).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL") if DATABASE_URL else ""
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {**parse_database_url(DATABASE_REPLICA_URL), "ENGINE": "zi.db.postgresql"}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"]["OPTIONS"].setdefault("connect_timeout", 3)  # down: the primary answers, soon
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"]
DATABASE_ROUTERS = ["zi.db.replica.ReplicaRouter"]
ZI_REPLICA_MAX_LAG_SECONDS = env_int("ZI_REPLICA_MAX_LAG_SECONDS", 5)
ZI_REPLICA_CHECK_SECONDS = env_int("ZI_REPLICA_CHECK_SECONDS", 2)
ZI_REPLICA_PIN_SECONDS = env_int("ZI_REPLICA_PIN_SECONDS", 15)

# PostgreSQL row-level security as the second tenancy wall: requests and tasks run as the role
# zi_app, which sees only the active instansi's rows (apps/tenancy/rls.py, docs/security.md V8).
ZI_DB_RLS = bool(DATABASE_URL) and env_bool("ZI_DB_RLS", default=True)

# -----------------------------------------------------------------------------
# Cache and Celery: Redis from REDIS_URL, else local memory and in-process tasks.
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# -----------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
# The cache in a Redis database of its own, never the broker's: evicting or clearing one cannot drop
# the other's keys. Default: REDIS_URL with the next database number (0 → 1, 15 → 0).
REDIS_CACHE_URL = env_str("REDIS_CACHE_URL", redis_other_db(REDIS_URL) if REDIS_URL else "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.SharedClientRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "zi"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Per process, for values that never change once built (PortalRB's rendered answers of a frozen
# snapshot): no network round trip, no invalidation needed, the oldest dropped past MAX_ENTRIES.
CACHES["process"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "zi-process",
    "OPTIONS": {"MAX_ENTRIES": 256},
}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None  # results live in our own rows (Report, Notification), not in Redis
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL  # embedded mode only: tasks run in-process
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Redelivery (docs/operations.md): the hard time limit of the longest task, and the broker's
# visibility timeout derived from it. A message whose worker was killed (acks_late) goes back to the
# queue once unacknowledged this long, so it must outlast every task's run (zi.E010 checks it);
# Redis's default is an hour. The broker looks for such messages every 10 s.
CELERY_TASK_TIME_LIMIT = env_int("ZI_TASK_TIME_LIMIT", 5 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT * 4 // 5
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT * 6 // 5,
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_TASK_ACKS_LATE = True  # every ZI task is idempotent (DESIGN §8)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Jakarta"
# Queues by kind (default, reports, reminders, imports; zi/queues.py), each with its own workers.
CELERY_TASK_DEFAULT_QUEUE, CELERY_TASK_QUEUES, CELERY_TASK_ROUTES = celery_queue_settings(env_str("ZI_QUEUE_PREFIX"))
# The beat schedule is static and lives here (no django-celery-beat, see DESIGN §2).
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Ask pegawai who arrived in a unit that is collecting Pakta Integritas signatures (idempotent).
    "pakta-arrivals": {"task": "apps.pencanangan.tasks.pakta_arrivals_sweep_all", "schedule": 6 * 3600},
    # Rencana aksi reminders, digests and period reports: every 3 hours; each run claims what is due
    # and catches up on anything a stopped beat missed (apps/rencana_aksi/reminders.py).
    "rencana-aksi-sweep": {"task": "apps.rencana_aksi.tasks.rencana_aksi_beat", "schedule": 3 * 60 * 60},
    # Publish outbox rows whose on-commit attempt failed (broker down): the work runs once it is back.
    "outbox-relay": {"task": "apps.outbox.tasks.outbox_relay", "schedule": 15.0},
    # Tim kerja follow-up actions: reminders claimed once per (action, kind, period), with catch-up.
    "pendampingan-sweep": {"task": "apps.pendampingan.tasks.pendampingan_beat", "schedule": 3 * 60 * 60},
    # Daily digest emails for people who chose them (apps/notifications/services.py).
    "notification-digest": {"task": "apps.notifications.tasks.notification_digest_beat", "schedule": 24 * 3600},
    # Emails a dead worker left "sending" are sent again (same Message-ID) or marked failed.
    "notification-reconcile": {"task": "apps.notifications.tasks.notification_reconcile_beat", "schedule": 300.0},
    "report-reconcile": {"task": "apps.reports.tasks.report_reconcile_beat", "schedule": 300.0},
    "import-job-reconcile": {"task": "apps.unit_kerja.tasks.import_job_reconcile_beat", "schedule": 300.0},
    # The audit chains' heads, sealed, to a file in the backup set and to the admins (apps/audit/digest.py).
    "audit-head-digest": {"task": "apps.audit.tasks.audit_head_digest", "schedule": 24 * 3600},
    # Monitoring after the predikat: early warnings from the year's LKE and survey indices (idempotent).
    "pemantauan-sweep": {"task": "apps.pemantauan.tasks.pemantauan_beat", "schedule": 24 * 3600},
}

# -----------------------------------------------------------------------------
# Authentication: django-allauth with mandatory MFA for privileged roles.
# https://docs.allauth.org/en/latest/account/configuration.html
# -----------------------------------------------------------------------------
# Django's and allauth's backends, reading the signed-in user from the principal cache (issue 22).
AUTHENTICATION_BACKENDS = [
    "apps.accounts.backends.ModelBackend",
    "apps.accounts.backends.AuthenticationBackend",
]
# How long a cached principal (user, memberships, TOTP state) may live; every change deletes it at
# once (apps/accounts/principal.py), this only bounds a deletion lost while Redis was unreachable.
ZI_PRINCIPAL_CACHE_SECONDS = env_int("ZI_PRINCIPAL_CACHE_SECONDS", 300)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "apps.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"  # accounts are created by an admin and activated by invitation
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    # Failed logins are throttled per address and per account (allauth keeps the counters in the cache).
    "login_failed": env_str("ZI_RATE_LOGIN_FAILED", "10/m/ip,5/5m/key"),
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ZI] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "ZI"
MFA_RECOVERY_CODE_COUNT = 10
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600  # invitation links stay valid for three days

# -----------------------------------------------------------------------------
# Language and time: Bahasa Indonesia first, English second; Asia/Jakarta.
# -----------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "zi_language"
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# -----------------------------------------------------------------------------
# Static and uploaded files. Uploads live outside any served directory and are only
# reachable through permission-checked views.
# -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Nothing serves this prefix: uploads are only reachable through permission-checked views.
MEDIA_URL = "/_tidak-dilayani/"
# Production (ZI_STATIC_MANIFEST=true) serves hashed, compressed files collected into STATIC_ROOT;
# the embedded and test modes serve straight from static/ through the finders.
_STATIC_MANIFEST = env_bool("ZI_STATIC_MANIFEST", default=False)
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))) if _STATIC_MANIFEST else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not _STATIC_MANIFEST
# Uploads and reports on any S3-compatible store (ZI_STORAGE=s3, docs/scale.md) instead of MEDIA_ROOT.
# Downloads pass ZI's access checks, then redirect to a presigned URL valid ZI_S3_URL_SECONDS.
ZI_STORAGE = env_str("ZI_STORAGE", "local")
ZI_S3_URL_SECONDS = env_int("ZI_S3_URL_SECONDS", 60)
if ZI_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("ZI_S3_BUCKET"),
            "endpoint_url": env_str("ZI_S3_ENDPOINT_URL") or None,
            "region_name": env_str("ZI_S3_REGION") or None,
            "access_key": env_str("ZI_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("ZI_S3_SECRET_ACCESS_KEY") or None,
            "addressing_style": env_str("ZI_S3_ADDRESSING_STYLE") or None,
            "default_acl": None,  # private objects: reachable only through presigned URLs
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": ZI_S3_URL_SECONDS,
            "signature_version": "s3v4",
        },
    }
    if not STORAGES["default"]["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("ZI_STORAGE=s3 needs ZI_S3_BUCKET (and usually ZI_S3_ENDPOINT_URL).")
elif ZI_STORAGE != "local":
    raise ImproperlyConfigured(f"ZI_STORAGE must be local or s3, got {ZI_STORAGE!r}")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
ZI_UPLOAD_MAX_BYTES = env_int("ZI_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# ClamAV's clamd for upload scanning: a Unix socket path or host:port. Empty means no scanner:
# production refuses that (zi.E009). Unreachable or missing: uploads are refused (fail closed).
# clamd's StreamMaxLength must be at least ZI_UPLOAD_MAX_BYTES.
ZI_CLAMAV_SOCKET = env_str("ZI_CLAMAV_SOCKET", "")
# The first handler stops storing a file past ZI_UPLOAD_MAX_BYTES (apps/core/uploads.py): nothing
# bigger is ever spooled to disk.
FILE_UPLOAD_HANDLERS = [
    "apps.core.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Without a scanner, uploads are refused at run time too; only the DEBUG demo accepts them unscanned.
ZI_ALLOW_UNSCANNED = DEBUG
# The audit chain's key (apps/audit/key.py): HMAC of every audit row, held outside the database.
# Required in production (zi.E011); the embedded mode keeps one in VAR_DIR/audit.key.
AUDIT_KEY = env_str("AUDIT_KEY", "")
# The daily digest of every chain's head (apps/audit/digest.py): written here (inside MEDIA_ROOT, so
# in every backup) and mailed to ZI_AUDIT_DIGEST_EMAILS (comma-separated; empty: not mailed).
ZI_AUDIT_DIGEST_DIR = env_str("ZI_AUDIT_DIGEST_DIR", "")  # empty: MEDIA_ROOT/audit-digests
ZI_AUDIT_DIGEST_EMAILS = env_list("ZI_AUDIT_DIGEST_EMAILS", [])
ZI_CLAMAV_TIMEOUT = env_int("ZI_CLAMAV_TIMEOUT", 60)

# -----------------------------------------------------------------------------
# Mail
# -----------------------------------------------------------------------------
# https://docs.djangoproject.com/en/6.1/topics/email/#mailers
# The embedded mode writes each mail to a file in $ZI_VAR_DIR/mail/ (one .log per connection), so
# seeding the demo prints the logins and not a thousand lines of mail; otherwise the console.
_EMBEDDED_MAIL = not DATABASE_URL and not env_str("EMAIL_BACKEND")
EMAIL_BACKEND_PATH = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if _EMBEDDED_MAIL
    else "django.core.mail.backends.console.EmailBackend",
)
MAILERS: dict[str, dict[str, object]] = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("filebased.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {"file_path": str(VAR_DIR / "mail")}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", default=False),
        "timeout": 30,
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ZI <no-reply@zi.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# -----------------------------------------------------------------------------
# Security headers. Behind HTTPS (ZI_HTTPS=true) cookies are secure and HSTS is on.
# -----------------------------------------------------------------------------
ZI_HTTPS = env_bool("ZI_HTTPS", default=False)
SESSION_COOKIE_SECURE = ZI_HTTPS
CSRF_COOKIE_SECURE = ZI_HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
# Sessions in the database, read through the shared cache (apps/accounts/sessions.py, issue 22); a
# cached copy is read again from its row after this long.
SESSION_ENGINE = "apps.accounts.sessions"
ZI_SESSION_CACHE_SECONDS = env_int("ZI_SESSION_CACHE_SECONDS", 300)
SECURE_SSL_REDIRECT = ZI_HTTPS and env_bool("ZI_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if ZI_HTTPS else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if ZI_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = ZI_HTTPS
SECURE_HSTS_PRELOAD = ZI_HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# -----------------------------------------------------------------------------
# REST API (DRF + drf-spectacular)
# https://www.django-rest-framework.org/api-guide/settings/
# -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's three parsers, refusing NUL characters and (JSON) deep nesting with a 400: apps/api/parsers.py
    "DEFAULT_PARSER_CLASSES": [
        f"apps.api.parsers.{name}" for name in ("BoundedJSONParser", "NulSafeFormParser", "NulSafeMultiPartParser")
    ],
    "EXCEPTION_HANDLER": "apps.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ZI API",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "apps.api.schema.add_edge_responses"],
    # Two different choice sets are both called "stage": name them in the schema.
    "ENUM_NAME_OVERRIDES": {
        "TpnResultStageEnum": "apps.tpn.models.Stage",
        "NationalStageEnum": "apps.tpn.selectors.NationalStage.ALL",
        # Two "status" choice sets too: a pengusulan's and a consultation thread's.
        "PengusulanStatusEnum": "apps.pengusulan.models.PengusulanStatus",
        "KonsultasiStatusEnum": "apps.pendampingan.models.KonsultasiStatus",
    },
}

# -----------------------------------------------------------------------------
# Logging: to stderr; the audit trail is in the database, not in logs.
# -----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Tasks run in-process (the embedded mode) would log every success; keep the console readable.
        "celery.app.trace": {"level": "WARNING" if not REDIS_URL else env_str("LOG_LEVEL", "INFO")},
        "kombu.connection": {"level": "ERROR" if not REDIS_URL else "WARNING"},
    },
}
# SQLite cannot build UniqueConstraint(nulls_distinct=False) (the tim kerja's one-role-per-person rule);
# the service checks it too, so the embedded mode warns once in the docs, not at every command.
SILENCED_SYSTEM_CHECKS = [] if DATABASE_URL else ["models.W047"]

# -----------------------------------------------------------------------------
# ZI
# -----------------------------------------------------------------------------
ZI_DEMO = env_bool("ZI_DEMO", default=not DATABASE_URL)
# The embedded demo may be served on any address (`make run ZI_ADDR=0.0.0.0:8080`): without an
# explicit SITE_URL, links in mails, PDFs and QR codes follow the address a request arrived on
# (apps.core.middleware.DemoSiteUrlMiddleware). Never in production, where SITE_URL is required.
ZI_SITE_URL_FROM_REQUEST = ZI_DEMO and not env_str("SITE_URL")
if ZI_DEMO and DEBUG:
    # The demo's MFA roles log in with this code instead of an authenticator app. allauth itself
    # refuses the setting unless DEBUG is on, and zi.E006 refuses ZI_DEMO in production.
    MFA_TOTP_INSECURE_BYPASS_CODE = "000000"

# PortalRB provider API (README "PortalRB"): requests per token, and the validity of evidence links.
ZI_PORTALRB_RATE = env_str("ZI_PORTALRB_RATE", "120/min")
# The national API /api/v1/, per personal token (apps/tpn/auth.py NationalRateThrottle).
ZI_NATIONAL_API_RATE = env_str("ZI_NATIONAL_API_RATE", "120/min")
ZI_PORTALRB_LINK_DAYS = env_int("ZI_PORTALRB_LINK_DAYS", 180)
