"""Meterboard settings, read from the environment (and an optional .env file).

Every setting has a safe local default so that a fresh checkout runs with
`make run`; production (DEBUG off) refuses to start without a real SECRET_KEY.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from dashboard import office_hours

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env.bool("DEBUG", default=False)

# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY or (not DEBUG and SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value when DEBUG is off (set DEBUG=true for local development)."
    )
# Django's own minimum (check --deploy's security.W009): at least 50 characters, 5 of them different.
if not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for DEBUG off: use at least 50 random characters, e.g. "
        'python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

# Source passwords and tokens are stored encrypted (Fernet): comma-separated keys, the first encrypts, all
# decrypt (rotation: README). With DEBUG on and none set, a local key is made once in .meterboard-key.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be set when DEBUG is off: the Fernet key(s) that encrypt source credentials "
            '(make one with python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")'
        )
    from ingest.localkey import local_key

    FIELD_ENCRYPTION_KEYS = [local_key(BASE_DIR / ".meterboard-key")]
for _position, _key in enumerate(FIELD_ENCRYPTION_KEYS, 1):
    try:
        Fernet(_key)
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEYS: key {_position} is not a Fernet key (32 url-safe base64-encoded bytes)"
        ) from None

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_q",
    "ingest",
    # Each vendor is an app of its own (its label is its kind): its models, admin and migrations.
    "ingest.vendors.mls",
    "ingest.vendors.bigfix",
    "ingest.vendors.lstat",
    "ingest.vendors.metering",
    "reports",
    "dashboard.signin",
    "dashboard.privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # serves static files (pre-compressed) before the rest
    # compresses pages and downloads (streamed CSV too); above every middleware that reads or writes the body
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "reports.conditional.ConditionalReportMiddleware",  # ETags and 304s for report pages (after auth and messages)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dashboard.security.ContentSecurityPolicyMiddleware",
    "dashboard.privacy.audit.AuditActorMiddleware",  # who made the changes the audit log records
]

ROOT_URLCONF = "dashboard.urls"
WSGI_APPLICATION = "dashboard.wsgi.application"

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
                "reports.context_processors.vendors",
                "reports.context_processors.display_zone",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# SQLite is the embedded default so that a checkout runs with no server;
# production uses MySQL/MariaDB: DATABASE_URL=mysql://user:pass@host:3306/name
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"charset": "utf8mb4", "init_command": "SET sql_mode='STRICT_TRANS_TABLES'"}
    )
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE transactions make a second
    # writer wait for the lock (up to `timeout` seconds) instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Sign-in (dashboard/signin/, README "Sign-in"): local accounts always; LDAP / Active Directory when LDAP_SERVER_URI is set,
# OpenID Connect when OIDC_RP_CLIENT_ID is; each directory decides its users' role by group at every sign-in.
from dashboard.signin.config import authentication_backends, ldap_settings, oidc_settings  # noqa: E402

LDAP_SERVER_URI = env.str("LDAP_SERVER_URI", default="")
if LDAP_SERVER_URI:
    vars().update(
        ldap_settings(
            server_uri=LDAP_SERVER_URI,
            bind_dn=env.str("LDAP_BIND_DN", default=""),
            bind_password=env.str("LDAP_BIND_PASSWORD", default=""),
            user_search_base=env.str("LDAP_USER_SEARCH_BASE", default=""),
            user_filter=env.str("LDAP_USER_FILTER", default="(uid=%(user)s)"),
            group_search_base=env.str("LDAP_GROUP_SEARCH_BASE", default=""),
            group_type=env.str("LDAP_GROUP_TYPE", default="group_of_names"),
            admin_group=env.str("LDAP_ADMIN_GROUP", default=""),
            viewer_group=env.str("LDAP_VIEWER_GROUP", default=""),
            start_tls=env.bool("LDAP_START_TLS", default=False),
            ca_cert_file=env.str("LDAP_CA_CERT_FILE", default=""),
            timeout=env.float("LDAP_TIMEOUT", default=5.0),
            role_check_minutes=env.int("LDAP_ROLE_CHECK_MINUTES", default=15),
        )
    )
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
if OIDC_RP_CLIENT_ID:
    vars().update(
        oidc_settings(
            client_id=OIDC_RP_CLIENT_ID,
            client_secret=env.str("OIDC_RP_CLIENT_SECRET", default=""),
            discovery_url=env.str("OIDC_DISCOVERY_URL", default=""),
            authorization_endpoint=env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default=""),
            token_endpoint=env.str("OIDC_OP_TOKEN_ENDPOINT", default=""),
            userinfo_endpoint=env.str("OIDC_OP_USER_ENDPOINT", default=""),
            jwks_endpoint=env.str("OIDC_OP_JWKS_ENDPOINT", default=""),
            admin_group=env.str("OIDC_ADMIN_GROUP", default=""),
            viewer_group=env.str("OIDC_VIEWER_GROUP", default=""),
            groups_claim=env.str("OIDC_GROUPS_CLAIM", default="groups"),
            username_claim=env.str("OIDC_USERNAME_CLAIM", default="preferred_username"),
            provider_name=env.str("OIDC_PROVIDER_NAME", default="single sign-on"),
            scopes=env.str("OIDC_RP_SCOPES", default="openid email profile"),
            timeout=env.float("OIDC_TIMEOUT", default=10.0),
            role_max_age_hours=env.int("OIDC_ROLE_MAX_AGE_HOURS", default=12),
        )
    )
# everyone, or superusers: only break-glass admins sign in with a local password once a directory is configured.
LOCAL_LOGIN = env.str("LOCAL_LOGIN", default="everyone")
AUTHENTICATION_BACKENDS = authentication_backends(
    ldap=bool(LDAP_SERVER_URI), oidc=bool(OIDC_RP_CLIENT_ID), local_login=LOCAL_LOGIN
)

# Failed logins allowed per username and client address within the window (seconds), then "wait".
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
LOGIN_FAILURE_WINDOW = env.int("LOGIN_FAILURE_WINDOW", default=15 * 60)
# Requests each API token may make (reports/api/): N/second, N/minute or N/hour; more get a 429 until the window ends.
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="120/minute")
# API tokens a user may hold at once (revoked ones do not count).
API_TOKENS_PER_USER = env.int("API_TOKENS_PER_USER", default=10)

# --- Time -------------------------------------------------------------------
# Stored in UTC, shown in TIME_ZONE.
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
# The working days and hours (in TIME_ZONE) that reports' hours=office averages over and the heatmaps outline.
try:
    OFFICE_HOURS = office_hours.parse(env.str("OFFICE_HOURS", default=office_hours.EXAMPLE))
except ValueError as exc:
    raise ImproperlyConfigured(f"OFFICE_HOURS: {exc}.") from None
LANGUAGE_CODE = "en-us"
USE_I18N = False

# --- Static files (served by whitenoise) ---------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# --- Email ------------------------------------------------------------------
# EMAIL_URL=smtp+tls://user:password@smtp.example.com:587 ; console by default; with filemail:///some/dir
# each email is written as a file under /some/dir, with filemail:// (what `make run` uses) under EMAIL_FILE_PATH
# (sent-emails/ beside manage.py by default; a relative path is taken from there).
# https://docs.djangoproject.com/en/5.2/topics/email/#email-backends
_EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")
vars().update(env.email_url_config(_EMAIL_URL))
if EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":  # noqa: F821 (set by email_url_config)
    EMAIL_BACKEND = "dashboard.mail.EmlFileBackend"  # one .eml per email, not one log per connection
# django-environ drops the leading "/" of filemail:///some/dir: the URL's own host and path are the directory.
_EMAIL_URL_PATH = "".join(urlsplit(_EMAIL_URL)[1:3]) if _EMAIL_URL.startswith("filemail:") else ""
EMAIL_FILE_PATH = str(BASE_DIR / (_EMAIL_URL_PATH or env.str("EMAIL_FILE_PATH", default="sent-emails")))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="meterboard@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The dashboard's address as readers of emailed reports reach it: their "Open in Meterboard" link.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The Chromium that kaleido drives to draw charts as PNG for emails; without it emails carry tables only.
CHROMIUM = env.str("CHROMIUM", default="/usr/bin/chromium")
# PDF downloads (?format=pdf; each launches Chromium): at most this many print at once across every process
# (slots in the database; 503 past them), at most PDF_RATE_LIMIT per user (429), each within PDF_TIMEOUT seconds.
PDF_MAX_CONCURRENT = env.int("PDF_MAX_CONCURRENT", default=2)
PDF_RATE_LIMIT = env.str("PDF_RATE_LIMIT", default="10/minute")
PDF_TIMEOUT = env.float("PDF_TIMEOUT", default=60.0)

# --- Emailed reports: who a subscription may mail, and how often Send now may be pressed -------------------
# A viewer's subscriptions go to the viewer's own address and to addresses in these domains (comma-separated,
# e.g. example.com,corp.example.com; empty: their own address only). Admins' subscriptions go anywhere.
SUBSCRIPTION_RECIPIENT_DOMAINS = env.list("SUBSCRIPTION_RECIPIENT_DOMAINS", default=[])
# Any subscription (and alert rule), whoever made it: at most this many recipients.
SUBSCRIPTION_MAX_RECIPIENTS = env.int("SUBSCRIPTION_MAX_RECIPIENTS", default=20)
# "Send now" queues one send of a subscription in this many seconds, and SUBSCRIPTION_SEND_NOW_PER_HOUR sends
# an hour per user (counted in Django's cache).
SUBSCRIPTION_SEND_NOW_INTERVAL = env.int("SUBSCRIPTION_SEND_NOW_INTERVAL", default=60)
SUBSCRIPTION_SEND_NOW_PER_HOUR = env.int("SUBSCRIPTION_SEND_NOW_PER_HOUR", default=10)

# --- Security (production) -----------------------------------------------------
# With DEBUG off the dashboard is served over HTTPS only (`check --deploy` is clean): secure cookies, plain HTTP
# redirected, a year of HSTS. `make run` (DEBUG=true) serves http://127.0.0.1:8000 with all of them off.
# https://docs.djangoproject.com/en/5.2/ref/settings/#secure-ssl-redirect
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS > 0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Scripts only from our own static files (plotly.js and app.js); plotly sets inline styles and draws data: images.
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default="default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)

# --- Cache ------------------------------------------------------------------------
# Counts failed logins and keeps chart data: per process by default, shared by every process through Redis
# when REDIS_URL is set.
# https://docs.djangoproject.com/en/5.2/ref/settings/#caches
# Chart rows have a cache of their own, so that they never push the login-failure counts out of it.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "charts": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "charts"},
}
if env.str("REDIS_URL", default=""):
    _redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env.str("REDIS_URL")}
    CACHES = {"default": _redis, "charts": {**_redis, "KEY_PREFIX": "charts"}}
# Chart data (selectors' rows) is cached per source until a fetch stores new rows (reports/cache.py); 0 turns
# it off. Rows that depend on the clock (metering locations still active) are kept CHART_CACHE_MOVING_SECONDS.
CHART_CACHE_SECONDS = env.int("CHART_CACHE_SECONDS", default=24 * 3600)
CHART_CACHE_MOVING_SECONDS = env.int("CHART_CACHE_MOVING_SECONDS", default=60)
CHART_CACHE_MAX_BYTES = env.int("CHART_CACHE_MAX_BYTES", default=4 * 1024 * 1024)
# Report pages rendered once per audience and data version, read by the next user (reports/page_cache.py); 0: off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=CHART_CACHE_SECONDS)

# --- Background tasks (django-q2) ----------------------------------------------
# The ORM broker needs nothing but the database; set REDIS_URL to run workers
# on several machines through Redis.
# A fetch runs at most FETCH_TIMEOUT seconds: the worker stops its task then, and `manage.py ingest` fails the run.
FETCH_TIMEOUT = env.int("FETCH_TIMEOUT", default=3600)
Q_CLUSTER = {
    "name": "meterboard",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": FETCH_TIMEOUT,
    "retry": FETCH_TIMEOUT + 60,
    "max_attempts": 1,
    "catch_up": False,
    "sync": env.bool("Q_SYNC", default=False),
}
if env.str("REDIS_URL", default=""):
    Q_CLUSTER["redis"] = env.str("REDIS_URL")
else:
    Q_CLUSTER["orm"] = "default"

# --- Meterboard -------------------------------------------------------------------
# A fetch beats a heartbeat on its source's lock as each page commits and every FETCH_HEARTBEAT_INTERVAL seconds
# in between; a lock whose heartbeat is older than FETCH_HEARTBEAT_TIMEOUT seconds belongs to a dead fetch
# (killed, or stopped by the worker at FETCH_TIMEOUT), and the next fetch takes it over.
FETCH_HEARTBEAT_INTERVAL = env.float("FETCH_HEARTBEAT_INTERVAL", default=15.0)
FETCH_HEARTBEAT_TIMEOUT = env.float("FETCH_HEARTBEAT_TIMEOUT", default=60.0)
if not 0 < FETCH_HEARTBEAT_INTERVAL < FETCH_HEARTBEAT_TIMEOUT:
    raise ImproperlyConfigured("FETCH_HEARTBEAT_INTERVAL must be positive and shorter than FETCH_HEARTBEAT_TIMEOUT.")
# "Fetch now" queues at most one fetch per source in this many seconds (counted in Django's cache).
FETCH_NOW_INTERVAL = env.int("FETCH_NOW_INTERVAL", default=60)
# License Statistics snapshots (one per fetch) are all kept this many days, then the latest of each UTC hour
# until the second age, then the latest of each day (`manage.py thin_snapshots`, run daily by a schedule).
LSTAT_SNAPSHOT_KEEP_ALL_DAYS = env.int("LSTAT_SNAPSHOT_KEEP_ALL_DAYS", default=14)
LSTAT_SNAPSHOT_KEEP_HOURLY_DAYS = env.int("LSTAT_SNAPSHOT_KEEP_HOURLY_DAYS", default=90)
# Charts never draw more points than this per trace; coarser buckets are chosen.
MAX_POINTS_PER_TRACE = env.int("MAX_POINTS_PER_TRACE", default=5000)
# The currency of seat prices on the overview (an ISO 4217 code: EUR, USD, GBP, ...).
CURRENCY = env.str("CURRENCY", default="EUR").upper()

# --- Privacy (dashboard/privacy/, README "Privacy") ------------------------------------
# Who sees people's real user and host names: everyone, admins, or permission (users granted
# "privacy.view_personal_names" in the admin); everyone else sees stable pseudonyms (user-1a2b3c4d5e).
NAMES_VISIBLE_TO = env.str("NAMES_VISIBLE_TO", default="everyone")
if NAMES_VISIBLE_TO not in ("everyone", "admins", "permission"):
    raise ImproperlyConfigured(f"NAMES_VISIBLE_TO must be everyone, admins or permission, not {NAMES_VISIBLE_TO!r}.")
# The HMAC key of the pseudonyms, a key of its own so that rotating SECRET_KEY changes none of them; unset,
# a key is made once in .meterboard-pseudonym-key (git-ignored). Set it where workers run on other machines.
PSEUDONYM_KEY = env.str("PSEUDONYM_KEY", default="")
if not PSEUDONYM_KEY:
    from ingest.localkey import local_key

    try:
        PSEUDONYM_KEY = local_key(BASE_DIR / ".meterboard-pseudonym-key")
    except OSError as exc:
        raise ImproperlyConfigured(
            f"PSEUDONYM_KEY is not set and .meterboard-pseudonym-key cannot be made ({exc.strerror}): set it to a "
            'long random value, e.g. python -c "import secrets; print(secrets.token_urlsafe(32))"'
        ) from None
# Stored sessions and events older than this many days keep their counts but lose their user and host names
# (replaced by the pseudonym) in a daily schedule; unset keeps them for ever.
PERSONAL_DATA_DAYS = env.int("PERSONAL_DATA_DAYS", default=None)
if PERSONAL_DATA_DAYS is not None and PERSONAL_DATA_DAYS < 1:
    raise ImproperlyConfigured("PERSONAL_DATA_DAYS must be a number of days of at least 1 (or unset: keep for ever).")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"redact": {"()": "ingest.errors.RedactSecretsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # kaleido and choreographer (charts for emails) narrate every Chromium start at INFO.
        **{name: {"level": "WARNING"} for name in ("urllib3", "kaleido", "choreographer")},
        # urllib3 logs whole URLs, and BigFix may take its token only in the query string: scrub at the source,
        # whichever handlers are configured.
        "urllib3.connectionpool": {"filters": ["redact"]},
    },
}

# Outbound HTTP to vendor APIs: timeouts in seconds, retries with exponential backoff.
FETCH_CONNECT_TIMEOUT = env.float("FETCH_CONNECT_TIMEOUT", default=10.0)
FETCH_READ_TIMEOUT = env.float("FETCH_READ_TIMEOUT", default=120.0)
FETCH_RETRIES = env.int("FETCH_RETRIES", default=4)
FETCH_BACKOFF = env.float("FETCH_BACKOFF", default=1.0)
# Whatever an upstream sends: one request (connect, retries, redirects and the whole body) ends within
# FETCH_REQUEST_DEADLINE seconds, and an answer larger than FETCH_MAX_BYTES (counted decompressed) is dropped.
FETCH_REQUEST_DEADLINE = env.float("FETCH_REQUEST_DEADLINE", default=600.0)
FETCH_MAX_BYTES = env.int("FETCH_MAX_BYTES", default=50 * 1024 * 1024)
if FETCH_REQUEST_DEADLINE <= 0 or FETCH_MAX_BYTES <= 0 or FETCH_TIMEOUT <= 0:
    raise ImproperlyConfigured("FETCH_REQUEST_DEADLINE, FETCH_MAX_BYTES and FETCH_TIMEOUT must be positive.")
