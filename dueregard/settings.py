"""Settings for Due Regard, read from the environment and failing closed.

Every variable is listed with a comment in `.env.example`. `DJANGO_ENV=production`
refuses to start without a SECRET_KEY, an AUDIT_CHAIN_KEY, ALLOWED_HOSTS and a PostgreSQL DATABASE_URL,
or with DEBUG on (see `_check_production`).
"""

import re
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from dueregard.audit.keys import parse_keys as parse_audit_keys
from dueregard.core.client_address import parse_trusted_proxies

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}"
    )
PRODUCTION = DJANGO_ENV == "production"

_DEVELOPMENT_ONLY_KEY = "django-insecure-" + "development-only-never-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else _DEVELOPMENT_ONLY_KEY)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
# The audit log's chain is sealed with HMAC-SHA256 under AUDIT_CHAIN_KEY, "ID:SECRET" kept
# outside the database; the keys of events sealed before a rotation stay in
# AUDIT_CHAIN_OLD_KEYS (ADR 0012, docs/operations.md). Parsed here so a bad key stops the service.
AUDIT_CHAIN_KEY = env.str(
    "AUDIT_CHAIN_KEY", default="" if PRODUCTION else "dev:" + _DEVELOPMENT_ONLY_KEY
)
AUDIT_CHAIN_OLD_KEYS = env.list("AUDIT_CHAIN_OLD_KEYS", default=[])
if AUDIT_CHAIN_KEY:
    parse_audit_keys(AUDIT_CHAIN_KEY, AUDIT_CHAIN_OLD_KEYS)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Reverse proxies (addresses or CIDR networks) whose X-Forwarded-For is believed; see
# dueregard.core.client_address. Empty: the client is REMOTE_ADDR. Parsed here so a typo
# stops the service rather than trusting the wrong hops.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
parse_trusted_proxies(TRUSTED_PROXIES)

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (ADR 0023): in production each worker keeps its connection for up
# to DB_CONN_MAX_AGE seconds instead of opening one per request, and checks it is still
# alive before reusing it after a request ended (a restarted database or a dropped link
# gives a new connection, not an error page). Development keeps one per request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DB_CONN_HEALTH_CHECKS", default=True)
# SQLite under several users at once (ADR 0010): readers never wait for a writer (WAL), and a
# transaction takes the write lock when it begins (IMMEDIATE), so a transaction that reads
# then writes (a page view with its audit event) waits its turn for up to the busy timeout
# instead of failing at once with "database is locked" when its lock cannot be upgraded.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": env.int("SQLITE_BUSY_TIMEOUT_SECONDS", default=20),
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}


# Django's cache holds the API's rate-limit counts (ADR 0014). In-process memory is right for
# one process; production defaults to the database cache, shared by every worker and host
# (its table made by `manage.py createcachetable`). `CACHE_URL` takes any django-environ
# cache URL (Redis or memcached need their client library installed).
_CACHE_URL = env.str("CACHE_URL", default="") or (
    "dbcache://dueregard_cache" if PRODUCTION else "locmemcache://"
)
CACHES = {"default": env.cache_url_config(_CACHE_URL)}


def _check_production() -> None:
    problems = []
    if not SECRET_KEY:
        problems.append("SECRET_KEY is not set")
    if not AUDIT_CHAIN_KEY or AUDIT_CHAIN_KEY.endswith(_DEVELOPMENT_ONLY_KEY):
        problems.append("AUDIT_CHAIN_KEY is not set")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS is not set")
    if DEBUG:
        problems.append("DEBUG is on")
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL is not a PostgreSQL URL")
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start with DJANGO_ENV=production: " + "; ".join(problems) + "."
        )


if PRODUCTION:
    _check_production()

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.forms",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "dueregard.core",
    "dueregard.areas",
    "dueregard.accounts",
    "dueregard.pages",
    "dueregard.audit",
    "dueregard.casework",
    "dueregard.training",
    "dueregard.assurance",
    "dueregard.engagement",
    "dueregard.governance",
    "dueregard.privacy",
    "dueregard.reports",
    "dueregard.notifications",
    "dueregard.api",
    "dueregard.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dueregard.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dueregard.core.middleware.NoStoreMiddleware",
    "dueregard.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dueregard.core.middleware_sessions.SessionRenewalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dueregard.urls"
WSGI_APPLICATION = "dueregard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dueregard" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "dueregard.core.context_processors.service",
            ],
        },
    },
]
# Django forms render through GOV.UK templates: one adapter, see docs/adr/0002.
FORM_RENDERER = "dueregard.core.forms.GovUKFormRenderer"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on (OIDC_* below); it answers only the identity provider's callback.
    "dueregard.accounts.oidc.CouncilAccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "home"

# Sessions end after a period of inactivity. A request renews the expiry when the session
# was last saved more than SESSION_RENEW_SECONDS ago (dueregard.core.middleware_sessions,
# ADR 0023): signed out after between 29 and 30 minutes idle, at most one session write a
# minute per user instead of one per request.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_RENEW_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lockout after repeated failed sign-ins (django-axes), per username *and* client address
# together: a stranger's wrong passwords lock out only that stranger's address for that
# username, so the real user signing in from anywhere else is not locked out (ADR 0014).
# An administrator lifts a lockout in the admin or with `manage.py unlock_user USERNAME`.
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("SIGN_IN_LOCKOUT_MINUTES", default=30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "dueregard.accounts.views.locked_out"
# The address axes records for each attempt is the one the audit log records.
AXES_CLIENT_IP_CALLABLE = "dueregard.core.client_address.client_address"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = env.str("OTP_ISSUER", default="Due Regard")
# A user sets up their authenticator only through a single-use enrolment link that an
# administrator issues (accounts.services.issue_enrolment_link); it lasts this many hours.
ENROLMENT_LINK_HOURS = env.int("ENROLMENT_LINK_HOURS", default=72)

# Single sign-on with the council's identity provider over OpenID Connect (ADR 0022;
# docs/deployment.md, "Single sign-on"). On when OIDC_RP_CLIENT_ID and the endpoints are set.
# Accounts are matched by e-mail address; roles and authorities stay in Due Regard.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email")
OIDC_USE_PKCE = env.bool("OIDC_USE_PKCE", default=True)
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:council_sign_in_callback"
OIDC_VERIFY_SSL = env.bool("OIDC_VERIFY_SSL", default=True)
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT_SECONDS", default=10)
# `amr` values (RFC 8176) that mean the provider used more than one factor, so that its MFA
# stands in for the authenticator app; Microsoft Entra ID sends "mfa".
OIDC_MFA_AMR_VALUES = env.list("OIDC_MFA_AMR_VALUES", default=["mfa"])
if OIDC_RP_CLIENT_ID and not (
    OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT and OIDC_OP_JWKS_ENDPOINT
):
    raise ImproperlyConfigured(
        "OIDC_RP_CLIENT_ID is set, so single sign-on also needs OIDC_OP_AUTHORIZATION_ENDPOINT, "
        "OIDC_OP_TOKEN_ENDPOINT and OIDC_OP_JWKS_ENDPOINT"
    )

# Security headers. HTTPS settings apply in production; development runs on plain HTTP.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)

# Browser features no page of the service uses, denied to it and anything it could embed
# (see core.middleware). Fullscreen and picture-in-picture are left to the browser's default.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"

# Static files: served under /assets/ because GOV.UK Frontend's CSS refers to /assets/images.
STATIC_URL = "/assets/"
STATIC_ROOT = BASE_DIR / "staticfiles"
GOVUK_DIST = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"
STATICFILES_DIRS = [
    GOVUK_DIST / "assets",
    ("govuk", GOVUK_DIST),
    BASE_DIR / "build" / "static",
    BASE_DIR / "dueregard" / "static",
]
# Outside production WhiteNoise serves the files straight from their sources, so the demo
# runs with DEBUG off (the service's own error pages) and its styles without collectstatic;
# production serves the collected, hashed files.
WHITENOISE_USE_FINDERS = not PRODUCTION
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
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _rate(variable: str, default: str) -> str:
    """A rate from the environment as REST framework reads it (`60/minute`, `1000/hour`),
    refused at start-up when it is not one."""
    rate = env.str(variable, default=default).strip()
    if not re.fullmatch(r"[0-9]+/(s|sec|second|m|min|minute|h|hour|d|day)", rate):
        raise ImproperlyConfigured(
            f"{variable} must be a number of requests per second, minute, hour or day, "
            f"such as 60/minute, not {rate!r}"
        )
    return rate


REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "dueregard.api.schema.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dueregard.api.authentication.PartnerTokenAuthentication",
        "dueregard.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["dueregard.api.permissions.FollowsAccessRules"],
    "DEFAULT_PAGINATION_CLASS": "dueregard.api.pagination.NewestFirstCursorPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Rate limits (dueregard.api.throttling; docs/api.md): requests per partner token, and
    # failed token authentications per client address. Exceeded: 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": ["dueregard.api.throttling.PartnerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "partner_token": _rate("API_TOKEN_RATE", "60/minute"),
        "failed_authentication": _rate("API_FAILED_AUTH_RATE", "10/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Due Regard API",
    "DESCRIPTION": "Referrals, people, stages, panels and actions for partner systems.",
    "VERSION": "1",
    # Swagger UI from our own static files (drf-spectacular-sidecar): nothing from outside.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No deep links: Swagger UI puts them as links inside each operation's button, which
    # screen readers cannot reach (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "defaultModelsExpandDepth": 0},
}

# The service's own settings.
SERVICE_NAME = "Due Regard"
SERVICE_PHASE = env.str("SERVICE_PHASE", default="beta")
# Counts from 1 to this number minus one are suppressed in outputs for boards, partners and public.
DISCLOSURE_THRESHOLD = env.int("DISCLOSURE_THRESHOLD", default=5)
# A person referred again within this many months is shown as a repeat referral everywhere
# their current referral appears, whatever the earlier outcomes were.
REPEAT_REFERRAL_MONTHS = env.int("REPEAT_REFERRAL_MONTHS", default=24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {"axes": {"level": "WARNING"}},
}
