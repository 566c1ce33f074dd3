"""Settings, all read from the environment (see README "Configuration").

With no variables set, CivicReview runs embedded: SQLite, an in-memory
channel layer and Celery tasks run in-process. `DATABASE_URL` and
`REDIS_URL` switch to PostgreSQL, channels-redis and a real Celery broker.
"""

import os
import tempfile
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE, WASM_UNSAFE_EVAL
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name) or default


def env_bool(name, default=False):
    value = os.environ.get(name)
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name, default):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The prefix makes `manage.py check --deploy` warn (security.W009) while this default is in use.
SECRET_KEY = env("SECRET_KEY", "django-insecure-development-key-set-SECRET_KEY-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "http://localhost:8000,http://127.0.0.1:8000")
# The audit chain's HMAC key: kept out of the database (README "The audit trail"). Unset: derived
# from SECRET_KEY, and `check --deploy` warns.
AUDIT_HMAC_KEY = env("AUDIT_HMAC_KEY", "")

# HTTPS (see docs/deployment.md for production values). /healthz stays on plain HTTP for the
# load balancer's health check.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# "HTTP_X_FORWARDED_PROTO,https": a request is secure when the proxy says so in that header.
# Only behind a proxy that sets the header on every request (and strips a client's own).
SECURE_PROXY_SSL_HEADER = tuple(env_list("SECURE_PROXY_SSL_HEADER", "")) or None
if SECURE_PROXY_SSL_HEADER is not None and len(SECURE_PROXY_SSL_HEADER) != 2:
    raise ImproperlyConfigured('SECURE_PROXY_SSL_HEADER must be "HEADER,value", e.g. "HTTP_X_FORWARDED_PROTO,https".')

# Content-Security-Policy (django-csp), on everywhere: scripts, styles, workers, fonts and
# connections (the API, the websocket: 'self' covers ws:/wss: on the same host) from our own
# origin only. No inline scripts. Style *attributes* are allowed (department colours as
# `style="--dept: …"`); <style> elements are not. 'wasm-unsafe-eval': PDF.js's worker compiles
# its WebAssembly image decoders (JPEG 2000, JBIG2) and colour-profile code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, WASM_UNSAFE_EVAL],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        **({"report-uri": [env("CSP_REPORT_URI")]} if env("CSP_REPORT_URI") else {}),
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "guardian",
    "axes",
    "channels",
    "accounts",
    "documents",
    "reviews",
    "workflows",
    "notifications",
    "audit",
    "public",
    "insight",
    "holds",
    "webhooks",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # before WhiteNoise: PDF.js's worker script carries the policy too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.ActorMiddleware",  # who made a change, for the audit trail
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers a locked-out login with 429
]

ROOT_URLCONF = "civicreview.urls"
ASGI_APPLICATION = "civicreview.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "libraries": {"modules": "civicreview.templatetags.modules"},
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60)
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers wait for each other instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif env_bool("DATABASE_PREPARED_STATEMENTS", True):
    # PostgreSQL plans a query seen 5 times once per connection: the permission checks
    # before every markup change take longer to plan than to run. Off behind a pooler
    # in transaction mode, which cannot keep a connection's prepared statements.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
# A kept connection is checked before a request (or a consumer's database call) reuses it:
# one PostgreSQL terminated (failover, pg_terminate_backend, a pooler's restart) is replaced
# instead of failing the request. A connection lost mid-request answers 503 (civicreview.errors).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username or address
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user object
GUARDIAN_RAISE_403 = False
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Failed logins (django-axes, accounts/lockout.py): LOGIN_FAILURE_LIMIT failures for one username,
# or from one client address, within LOGIN_LOCKOUT_MINUTES → 429 until that window has passed
# since the last failure; a success in between does not reset the count.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each locks out on its own
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the window passes, however often a locked login is tried
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
AXES_VERBOSE = False
# How many reverse proxies in front of the server append to X-Forwarded-For; 0: the client
# address is the connection's (REMOTE_ADDR) and the header is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# API tokens expire this long after they are issued (accounts/tokens.py).
TOKEN_TTL_HOURS = float(env("TOKEN_TTL_HOURS", 720))

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # PDF.js from npm, served as our own static files (no CDN).
    ("pdfjs", BASE_DIR / "node_modules" / "pdfjs-dist" / "build"),
    ("pdfjs/cmaps", BASE_DIR / "node_modules" / "pdfjs-dist" / "cmaps"),
    ("pdfjs/standard_fonts", BASE_DIR / "node_modules" / "pdfjs-dist" / "standard_fonts"),
    ("pdfjs/wasm", BASE_DIR / "node_modules" / "pdfjs-dist" / "wasm"),
    ("chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),  # the dashboard's charts
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Static files come from the finders until `collectstatic` has filled STATIC_ROOT.
warnings.filterwarnings("ignore", message="No directory at")
MEDIA_ROOT = Path(env("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = None  # uploaded files are served only through permission-checked views

# Uploads: the size is checked before the body is parsed.
MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 200)
MAX_PAGES = env_int("MAX_PAGES", 2000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# PDF sandbox: every parse and render of an uploaded file runs in a child
# process with these limits, so a hostile file fails alone.
PDF_SANDBOX_MEMORY_MB = env_int("PDF_SANDBOX_MEMORY_MB", 1024)
PDF_INSPECT_TIMEOUT_S = env_int("PDF_INSPECT_TIMEOUT_S", 30)
PDF_RENDER_TIMEOUT_S = env_int("PDF_RENDER_TIMEOUT_S", 30)  # per page
# Children rendering one document at once, each on a contiguous range of its pages
# and with the limits above; at most one per CPU (os.cpu_count()) and per page.
PDF_RENDER_PROCESSES = env_int("PDF_RENDER_PROCESSES", 2)
THUMBNAIL_WIDTH_PX = env_int("THUMBNAIL_WIDTH_PX", 320)
# What changed in a resubmittal (documents.services.changes): sheets are rendered this many pixels
# on their longer side; a pixel differs when its grey differs by more than the tolerance (0-255),
# and a sheet changed when more than CHANGE_DETECTION_PIXELS pixels differ.
CHANGE_DETECTION_WIDTH_PX = env_int("CHANGE_DETECTION_WIDTH_PX", 800)
CHANGE_DETECTION_TOLERANCE = env_int("CHANGE_DETECTION_TOLERANCE", 48)
CHANGE_DETECTION_PIXELS = env_int("CHANGE_DETECTION_PIXELS", 2)
# A version processing with no sign of life (a page saved) for this long, or whose run's
# lease passed, is started again by a sweep on beat, and failed with the reason after that
# many restarts (documents.services.runs, intake.restart_stalled).
PROCESSING_SWEEP_EVERY_S = float(env("PROCESSING_SWEEP_EVERY_S", 15))
PROCESSING_STALLED_AFTER_S = float(env("PROCESSING_STALLED_AFTER_S", 600))
PROCESSING_MAX_RESTARTS = env_int("PROCESSING_MAX_RESTARTS", 3)
# A live run renews its lease every PROCESSING_HEARTBEAT_S; one not renewed for
# PROCESSING_LEASE_S marks its run dead. Each run works in a folder of its own here.
PROCESSING_LEASE_S = float(env("PROCESSING_LEASE_S", 30))
PROCESSING_HEARTBEAT_S = float(env("PROCESSING_HEARTBEAT_S", 5))
PROCESSING_WORK_DIR = Path(env("PROCESSING_WORK_DIR", Path(tempfile.gettempdir()) / "civicreview-processing"))

REDIS_URL = env("REDIS_URL")

# Threads per server process that run the websockets' stored changes, a version always on
# the same one (reviews/realtime/lanes.py); each holds a database connection.
REALTIME_DB_LANES = env_int("REALTIME_DB_LANES", 4)
if REALTIME_DB_LANES < 1:
    raise ImproperlyConfigured(f"REALTIME_DB_LANES={REALTIME_DB_LANES} must be at least 1")
# How long a read from Redis may take before the connection counts as dead. Receiving
# on the channel layer is a BZPOPMIN that Redis answers after 5 s
# (channels_redis brpop_timeout) when nothing came; redis-py's default read timeout is
# also 5 s, so an idle receive raced that answer, failed with TimeoutError every 5 s and
# made the hub rejoin and send `resync` to every socket. The read must outlast the pop.
CHANNEL_LAYER_SOCKET_TIMEOUT_S = float(env("CHANNEL_LAYER_SOCKET_TIMEOUT_S", 30))
if CHANNEL_LAYER_SOCKET_TIMEOUT_S <= 10:
    raise ImproperlyConfigured(
        f"CHANNEL_LAYER_SOCKET_TIMEOUT_S={CHANNEL_LAYER_SOCKET_TIMEOUT_S:g} must be over 10 seconds:"
        " the channel layer's blocking receive waits 5 s on Redis, and a busy process reads its answer late"
    )

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": CHANNEL_LAYER_SOCKET_TIMEOUT_S}]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Without a broker, tasks run in-process: in a background thread by default so
# that an upload answers at once, synchronously when this is off (the tests).
CELERY_EAGER_IN_BACKGROUND = env_bool("CELERY_EAGER_IN_BACKGROUND", True)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# One retry policy for every task (civicreview.celery.task): a database hiccup — a deadlock
# victim, a dropped connection — is retried with exponential backoff up to this cap.
TASK_MAX_RETRIES = env_int("TASK_MAX_RETRIES", 8)
TASK_RETRY_BACKOFF_MAX_S = env_int("TASK_RETRY_BACKOFF_MAX_S", 60)
# Redis hands an unacknowledged message (its worker lost) out again after this long. Short,
# since a process_version redelivered while a live run holds the version does nothing (the
# lease); longer than TASK_RETRY_BACKOFF_MAX_S, the longest countdown a retry waits for.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT_S", 120)}

REST_FRAMEWORK = {
    # Token first, so that an unauthenticated request answers 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Strict, depth-bounded JSON: malformed or 5,000-deep bodies are a 400, never a 500.
    "DEFAULT_PARSER_CLASSES": [
        "civicreview.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": None,
    "EXCEPTION_HANDLER": "civicreview.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CivicReview API",
    "DESCRIPTION": "Plan review for city and county governments.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,  # uploads documented as files, not URLs
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "documents.models.Case.Kind",
        "CaseStatusEnum": "documents.models.Case.Status",
        "DocumentKindEnum": "documents.models.Document.Kind",
        "VersionStatusEnum": "documents.models.DocumentVersion.Status",
        "AnnotationKindEnum": "reviews.models.Annotation.Kind",
        "AnnotationStatusEnum": "reviews.models.Annotation.Status",
        "AnnotationCategoryEnum": "reviews.models.Annotation.Category",
        "CommentVisibilityEnum": "reviews.models.Comment.Visibility",
        "TaskKindEnum": "workflows.models.WorkflowStep.Kind",
        "TaskStatusEnum": "workflows.models.Task.Status",
        "WorkflowStatusEnum": "workflows.models.Workflow.Status",
        "DecisionEnum": "workflows.models.Decision",
        "HoldKindEnum": "holds.models.Hold.Kind",
        "HoldSourceEnum": "holds.models.Hold.Source",
    },
}

# Workflow sweeps on Celery beat, in seconds; each is idempotent.
WORKFLOW_RECONCILE_EVERY_S = float(env("WORKFLOW_RECONCILE_EVERY_S", 60))
WORKFLOW_DUE_DATES_EVERY_S = float(env("WORKFLOW_DUE_DATES_EVERY_S", 300))
WORKFLOW_DIGEST_EVERY_S = float(env("WORKFLOW_DIGEST_EVERY_S", 900))  # a digest goes out once a day per head
WORKFLOW_RECONCILE_GRACE_S = float(env("WORKFLOW_RECONCILE_GRACE_S", 30))  # before a settled stage counts as stuck

# Outbound webhooks (webhooks/services.py): the one retry policy of every delivery. A failed attempt
# is tried again after WEBHOOK_BACKOFF_S, doubling each time up to WEBHOOK_BACKOFF_MAX_S, by the
# sweep on beat every WEBHOOK_SWEEP_EVERY_S; after WEBHOOK_MAX_ATTEMPTS it is marked failed.
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_BACKOFF_S = float(env("WEBHOOK_BACKOFF_S", 30))
WEBHOOK_BACKOFF_MAX_S = float(env("WEBHOOK_BACKOFF_MAX_S", 3600))
WEBHOOK_TIMEOUT_S = float(env("WEBHOOK_TIMEOUT_S", 10))
WEBHOOK_SWEEP_EVERY_S = float(env("WEBHOOK_SWEEP_EVERY_S", 15))
WEBHOOK_SWEEP_BATCH = 1000  # deliveries sent per sweep; the rest on the next

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "civicreview@localhost")
EMAIL_HOST = env("EMAIL_HOST", "localhost")  # for django.core.mail.backends.smtp.EmailBackend
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

DEMO_PASSWORD = env("DEMO_PASSWORD", "civicreview")
ORGANIZATION_NAME = env("ORGANIZATION_NAME", "City Plan Review")  # the body named on letters
SEARCH_TIMEOUT_MS = env_int("SEARCH_TIMEOUT_MS", 2000)  # PostgreSQL: each kind of hit a search looks for


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
