"""Polku settings: the one module, read from the environment.

Every variable is listed with a line of explanation in `.env.example`.
Production is marked by POLKU_ENV=production; there every secret must be set,
and a missing one fails loudly at start-up.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

POLKU_ENV = env.str("POLKU_ENV", default="development")
IS_PRODUCTION = POLKU_ENV == "production"

# Development-only fallbacks; production refuses to start without real values.
_DEV_SECRET = "polku-development-secret-key-not-for-production-use-0123456789"  # noqa: S105
_DEV_IDENTITY_KEY = "q6ytnc4LB7HAlUAIvfRyqBDA0xUQ2xn3gEGV3VQHNBQ="  # Fernet, dev only


def _secret(name: str, development_default: str) -> str:
    """A secret (or another value production must name for itself) from the environment,
    where an empty value (`KEY=` in a .env) counts as unset: production refuses to start
    without it, development falls back to its default."""
    value = env.str(name, default="").strip()
    if value:
        return value
    if IS_PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set (non-empty) when POLKU_ENV=production.")
    return development_default


def _flag(name: str, default: bool) -> bool:
    """A yes/no setting, where an empty value counts as unset (its default), not as no."""
    return env.bool(name, default=default) if env.str(name, default="").strip() else default


SECRET_KEY = _secret("SECRET_KEY", _DEV_SECRET)
POLKU_IDENTITY_CODE_KEYS = [
    key.strip()
    for key in _secret("POLKU_IDENTITY_CODE_KEYS", _DEV_IDENTITY_KEY).split(",")
    if key.strip()
]
POLKU_IDENTITY_CODE_HASH_KEY = _secret("POLKU_IDENTITY_CODE_HASH_KEY", "polku-development-hash-key")

DEBUG = _flag("DEBUG", False)
if DEBUG and IS_PRODUCTION:
    # Django's debug pages print a failed request's POST data and every frame's variables (an
    # identity code searched for, a note being saved) to whoever sent it.
    raise ImproperlyConfigured("DEBUG must be off when POLKU_ENV=production.")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["localhost", "127.0.0.1", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Temporary identity codes (individual number 900-999) are ordinary codes in the
# demo and tests; in production they are accepted only when explicitly flagged.
POLKU_ALLOW_TEST_IDENTITY_CODES = _flag("POLKU_ALLOW_TEST_IDENTITY_CODES", not IS_PRODUCTION)

INSTALLED_APPS = [
    "config.admin_app.PolkuAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "pgtrigger",
    "pghistory",
    # Polku, in the order of their dependencies (DESIGN.md "Layout").
    "services",
    "accounts",
    "audit",
    "notifications",
    "clients",
    "consents",
    "pathways",
    "consultations",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.RequestIdMiddleware",
    "config.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.language.LanguageMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    "accounts.middleware.ActiveRoleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.active_role",
                "config.language.language_switch_next",
            ],
            # The `plain_number` filter in every template: hours read the same everywhere.
            "builtins": ["config.numbers", "config.times"],
        },
    },
]

# Database and Redis: `make run` / `make test` start embedded servers under
# .data/ when these are unset (config/launcher.py).
# Production names its own (a role that does not own the log tables, docs/operations.md).
DATABASES = {
    "default": env.db_url_config(
        _secret("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/polku")
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
# JIT compiling costs more than it saves on Polku's short OLTP queries (measured by make bench).
DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_polku")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="polku"),
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "account_login"

# Sessions end after idle time; background polling does not count as activity. Whatever the
# activity, a session ends POLKU_SESSION_MAX_HOURS after signing in.
POLKU_IDLE_TIMEOUT_MINUTES = env.int("POLKU_IDLE_TIMEOUT_MINUTES", default=30)
POLKU_SESSION_MAX_HOURS = env.int("POLKU_SESSION_MAX_HOURS", default=12)
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Messages ("Goal status saved: <goal>", a task's title) name clients and their goals: kept in
# the server-side session, never in a cookie (the default falls back to a signed cookie,
# which the browser stores readable).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

# django-allauth: e-mail login, no open sign-up, MFA required (accounts/middleware.py).
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# The pages of an invitation's (or password reset's) link speak its user's language.
ACCOUNT_FORMS = {"user_token": "accounts.forms.KeyUserTokenForm"}
# Subjects of allauth's e-mails are Polku's own, without its "[<site name>] " (the host).
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Failed sign-ins are limited per account ("key": 5 in 5 minutes) and, more loosely, per
# client address: a county's offices reach Polku through one NAT or proxy address, where a
# strict per-address limit would let anyone's typos lock everyone out.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("POLKU_LOGIN_RATE_LIMIT", default="10/m/ip,5/5m/key"),
    "login": "30/m/ip",
    "reset_password": "5/m/ip,3/m/key",
    "reset_password_from_key": "10/m/ip",
}
# The client's address (rate limits, the security log) behind the proxy in front: how many
# proxies of ours append to X-Forwarded-For, or the one header the proxy sets instead
# (e.g. X-Real-IP). Unset, the address is the connection's, i.e. the proxy's own.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default="") or None
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = "Polku"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not IS_PRODUCTION
MFA_TOTP_TOLERANCE = 1

# OpenID Connect SSO (a county's Keycloak or Entra ID), switched on by settings only.
POLKU_OIDC_ENABLED = _flag("POLKU_OIDC_ENABLED", False)
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = False
# Sign-up stays closed, so an invited user (an account without a social link yet) is found
# by the address the provider says it has verified (`email_verified`) and connected to it
# on the first SSO sign-in. Trusts the configured provider: only the county's own IdP.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_PROVIDERS = {}
# Where the sign-in form's "continue" goes on to: the provider's origin joins the CSP's
# form-action, which browsers also apply to the redirect that follows a form's POST.
OIDC_FORM_ACTIONS = []
if POLKU_OIDC_ENABLED:
    _oidc_server = urlsplit(env.str("POLKU_OIDC_SERVER_URL"))
    OIDC_FORM_ACTIONS = [f"{_oidc_server.scheme}://{_oidc_server.netloc}"]
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": env.str("POLKU_OIDC_PROVIDER_ID", default="county"),
                "name": env.str("POLKU_OIDC_NAME", default="County sign-in"),
                "client_id": env.str("POLKU_OIDC_CLIENT_ID"),
                "secret": env.str("POLKU_OIDC_CLIENT_SECRET"),
                "settings": {"server_url": env.str("POLKU_OIDC_SERVER_URL")},
            }
        ]
    }

# Language and time: Finnish first, then Swedish and English.
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("suomi")), ("sv", _("svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGE_COOKIE_SECURE = IS_PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Private files (consent scans, printed documents): never under a public URL.
POLKU_PRIVATE_ROOT = Path(
    env.str("POLKU_PRIVATE_ROOT", default=str(BASE_DIR / ".data" / "private"))
)
# A printed PDF is a copy for handing over: its file is removed this many days after it
# was made (the row, with its checksum, stays as the record; the access log says who printed).
POLKU_PRINTED_FILES_KEPT_DAYS = env.int("POLKU_PRINTED_FILES_KEPT_DAYS", default=7)

# A client's records are kept this many years after the client relationship closed
# (working-age social services documents; clients.retention), and those of clients born on
# these days of a month permanently: the National Archives' sample of social welfare client
# documents. The logs stay at least as long (their triggers keep every row 12 years).
POLKU_CLIENT_RECORDS_KEPT_YEARS = env.int("POLKU_CLIENT_RECORDS_KEPT_YEARS", default=10)
POLKU_PERMANENTLY_KEPT_BIRTH_DAYS = env.list(
    "POLKU_PERMANENTLY_KEPT_BIRTH_DAYS", cast=int, default=[8, 18, 28]
)

# Content Security Policy: no inline script or style; scripts carry a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF, *OIDC_FORM_ACTIONS],
}

# Transport security: on in production, where Polku sits behind TLS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if IS_PRODUCTION else None
SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", IS_PRODUCTION)
# Keep the X-Request-ID of the proxy in front (hex or UUID); off: every request gets its own.
POLKU_TRUST_PROXY_REQUEST_ID = _flag("POLKU_TRUST_PROXY_REQUEST_ID", False)
# The health probes answer the container's own plain-HTTP check (docker-compose.yml).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SECURE_HSTS_SECONDS = 31_536_000 if IS_PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = IS_PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Mail (Django 6.1 MAILERS). Development prints e-mails on the console.
_MAIL_BACKEND = env.str(
    "MAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _MAIL_BACKEND,
        "OPTIONS": {
            "host": env.str("MAIL_HOST", default="localhost"),
            "port": env.int("MAIL_PORT", default=25),
            "username": env.str("MAIL_USER", default=""),
            "password": env.str("MAIL_PASSWORD", default=""),
            "use_tls": _flag("MAIL_USE_TLS", False),
            # A hanging relay fails the send (the task retries) instead of holding a worker.
            "timeout": env.int("MAIL_TIMEOUT_SECONDS", default=30),
        }
        if _MAIL_BACKEND.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Polku <polku@localhost>")
# Links in e-mails (invitations, password resets) and calendars: production's own address,
# over HTTPS, never the development default.
POLKU_BASE_URL = _secret("POLKU_BASE_URL", "http://localhost:8000").rstrip("/")
if IS_PRODUCTION and not POLKU_BASE_URL.startswith("https://"):
    raise ImproperlyConfigured(
        "POLKU_BASE_URL must be an https:// address when POLKU_ENV=production."
    )
# Where users send accessibility feedback (an e-mail address or a page), shown on the
# accessibility statement; unset, the statement points to the organisation's administrator.
POLKU_ACCESSIBILITY_FEEDBACK = env.str("POLKU_ACCESSIBILITY_FEEDBACK", default="")

# Celery: JSON only, late acknowledgement for idempotent tasks, beat schedule in code.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"pathways.*pdf*": {"queue": "pdf"}, "audit.*pdf*": {"queue": "pdf"}}

# Break-the-glass access lasts a short time.
POLKU_BREAK_THE_GLASS_MINUTES = env.int("POLKU_BREAK_THE_GLASS_MINUTES", default=120)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_personal_data": {"()": "config.logging.RedactPersonalDataFilter"},
        "request_id": {"()": "config.logging.RequestIdFilter"},
    },
    "formatters": {
        "json": {
            "()": "config.logging.RedactingJsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            # Local time with its offset: the hour repeated when summer time ends stays
            # apart, and a line matches the access-log rows (UTC) it concerns.
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["redact_personal_data", "request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # gunicorn's error and access logs (config/gunicorn.py): to the root's handler,
        # in place of gunicorn's own plain-text ones.
        "gunicorn.error": {"level": "INFO", "propagate": True},
        "gunicorn.access": {"level": "INFO", "propagate": True},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

FORM_RENDERER = "config.forms.PolkuFormRenderer"

# Outside production, static files are served straight from the finders.
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = not IS_PRODUCTION

# Default interval to a plan's next review, in months, per plan type.
POLKU_PLAN_REVIEW_MONTHS = {
    "client_plan": env.int("POLKU_CLIENT_PLAN_REVIEW_MONTHS", default=3),
    "activation_plan": env.int("POLKU_ACTIVATION_PLAN_REVIEW_MONTHS", default=3),
    "work_ability_support_plan": env.int("POLKU_WORK_ABILITY_PLAN_REVIEW_MONTHS", default=3),
}

# Reminder sweep: rows per bulk insert, and how long its Redis lock lives if a worker dies holding it.
POLKU_REMINDER_BATCH_SIZE = env.int("POLKU_REMINDER_BATCH_SIZE", default=1000)
POLKU_REMINDER_SWEEP_LOCK_SECONDS = env.int("POLKU_REMINDER_SWEEP_LOCK_SECONDS", default=900)
# Reminder windows in days per rule code, ";"-separated: "clients.plan_review_due=10;pathways.step_ending_without_next=21".
POLKU_REMINDER_WINDOWS = env.dict("POLKU_REMINDER_WINDOWS", cast={"value": int}, default={})

# Unix socket of clamd for virus-scanning consent scans; empty = no scan (the page says so).
POLKU_CLAMAV_SOCKET = env.str("POLKU_CLAMAV_SOCKET", default="")
# Days before a consent's last day that it shows as expiring (dashboard, reminders).
POLKU_CONSENT_EXPIRY_WARNING_DAYS = env.int("POLKU_CONSENT_EXPIRY_WARNING_DAYS", default=30)
