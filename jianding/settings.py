"""Settings of the Jianding portal, read from the environment.

Every value a deployment changes comes from an environment variable; the README
lists them. Without any, the portal runs on SQLite with files under ``var/``.
"""

import datetime
import ipaddress
import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The development key is refused by `manage.py check --deploy` (security.W009).
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-development-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "jianding",
    "notifications",
    "applicants",
    "exams",
    "certificates",
    "archive",
    "finance",
    "equipment",
    "demo",
    "jianding.admin_site.JiandingAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "import_export",
    "simple_history",
    "axes",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "captcha",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jianding.middleware.MethodNotAllowedPageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "jianding.middleware.AdminGateMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "jianding.middleware.SecondFactorRequiredMiddleware",
    "jianding.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jianding.middleware.StaffSessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "jianding.audit.DownloadLogMiddleware",
    # Last, as django-axes asks: it turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jianding.urls"
WSGI_APPLICATION = "jianding.wsgi.application"

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
                "jianding.navigation.navigation",
                "notifications.context.unread_messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once: clerks work side by side.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "jianding.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Long work (batch PDFs) runs in `manage.py db_worker`, which `make run` starts
# beside the server; the test suite runs them at once (tests/settings.py).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Rows of data a spreadsheet import takes; a longer sheet is refused before it is read.
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "5000"))

# Duty ratio of a theory room [监考人员守则]: at least max(PROCTORS_PER_ROOM_MIN, ⌈candidates / CANDIDATES_PER_PROCTOR⌉).
PROCTORS_PER_ROOM_MIN = int(os.environ.get("PROCTORS_PER_ROOM_MIN", "2"))
CANDIDATES_PER_PROCTOR = int(os.environ.get("CANDIDATES_PER_PROCTOR", "15"))
# Pass mark of every part [工作规则 §3]; the table takes a level (1–5) as key where one differs.
PASS_MARKS = {"default": int(os.environ.get("PASS_MARK", "60"))}

# A part passed stays valid this long for a retake of the other part, which is allowed once.
RETAKE_VALID_MONTHS = int(os.environ.get("RETAKE_VALID_MONTHS", "12"))
# Years the uploaded documents of a batch are kept after its report (manage.py documents_expire).
DOCUMENT_RETENTION_YEARS = int(os.environ.get("DOCUMENT_RETENTION_YEARS", "3"))

# The list of those qualified is publicised (公示) this many working days; the batch is then
# reported to the city center within REPORT_WORKING_DAYS working days of its last exam.
PUBLICITY_WORKING_DAYS = int(os.environ.get("PUBLICITY_WORKING_DAYS", "5"))
REPORT_WORKING_DAYS = int(os.environ.get("REPORT_WORKING_DAYS", "10"))
# An examiner whose sheet totals stand on average this many points from his peers' on the
# same candidates is flagged for the chief examiner.
EXAMINER_OUTLIER_POINTS = int(os.environ.get("EXAMINER_OUTLIER_POINTS", "10"))

# Accounts one address may open an hour (three times as many a day).
SIGNUPS_PER_ADDRESS_HOUR = int(os.environ.get("SIGNUPS_PER_ADDRESS_HOUR", "20"))
# Sendings of the sign-up form one address may make an hour (three times as many a day), whatever
# their outcome; after SIGNUP_ATTEMPTS_BEFORE_CAPTCHA of them in an hour the form asks for a captcha.
SIGNUP_ATTEMPTS_PER_ADDRESS_HOUR = int(os.environ.get("SIGNUP_ATTEMPTS_PER_ADDRESS_HOUR", "30"))
SIGNUP_ATTEMPTS_BEFORE_CAPTCHA = int(os.environ.get("SIGNUP_ATTEMPTS_BEFORE_CAPTCHA", "3"))
# django-simple-captcha's letters stay valid this long: the form has a name and two passwords to fill.
CAPTCHA_TIMEOUT = 10  # minutes

# Relatives and apprentices one examiner may declare himself; each declaration is kept in history.
EXAMINER_RELATIONS_MAX = int(os.environ.get("EXAMINER_RELATIONS_MAX", "20"))

# A skill-assessment group: an odd number of examiners, at least max(min, ⌈candidates / per examiner⌉).
EXAMINERS_PER_GROUP_MIN = int(os.environ.get("EXAMINERS_PER_GROUP_MIN", "3"))
CANDIDATES_PER_EXAMINER = int(os.environ.get("CANDIDATES_PER_EXAMINER", "5"))

# 一支笔 [经费 §4]: the director signs every expense, except one he submitted himself, which
# goes to the account named here (the school's leader in charge). Empty: such a request waits.
EXPENSE_SELF_APPROVER = os.environ.get("EXPENSE_SELF_APPROVER", "")
# Where and how applicants pay the appraisal fee [经费 §3], told on the batch page, the application and
# the refusal of unpaid tickets. In the transfer reference {number} and {name} are the application's.
FEE_DESK_ADDRESS = os.environ.get("FEE_DESK_ADDRESS", "")
FEE_DESK_HOURS = os.environ.get("FEE_DESK_HOURS", "")
FEE_BANK_PAYEE = os.environ.get("FEE_BANK_PAYEE", "")
FEE_BANK_NAME = os.environ.get("FEE_BANK_NAME", "")
FEE_BANK_ACCOUNT = os.environ.get("FEE_BANK_ACCOUNT", "")
FEE_TRANSFER_REFERENCE = os.environ.get("FEE_TRANSFER_REFERENCE", "鉴定费 {number} {name}")
# Where visitors of the public home find the center: its address, telephone and desk hours
# (each left out while empty).
CENTER_ADDRESS = os.environ.get("CENTER_ADDRESS", "")
CENTER_PHONE = os.environ.get("CENTER_PHONE", "")
CENTER_DESK_HOURS = os.environ.get("CENTER_DESK_HOURS", "")

# Repeated failed sign-ins lock the pair (login name, address) for a while.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "jianding.views.locked_out"
AXES_RESET_ON_SUCCESS = True
# Failed sign-ins are kept for the audit page, with whether they locked the account.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production collects static files into STATIC_ROOT with hashed names
# (STATIC_MANIFEST=1); otherwise WhiteNoise serves them from where they lie.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", False)
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static")) if STATIC_MANIFEST else None
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Uploaded files are never served as static files: no URL maps MEDIA_ROOT, and
# views that check permission hand them out.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# With S3_BUCKET set, uploads go to that S3-compatible bucket (AWS, MinIO, Ceph, a cloud's object
# storage) instead of MEDIA_ROOT, so app servers and workers on several machines share them
# without a shared volume. The bucket stays private: files leave only through the same
# permission-checked views, which read them through the storage API, never by a bucket URL.
S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "location": os.environ.get("S3_PREFIX", ""),
            # Unset: AWS itself, and boto3's own region and credential lookup (AWS_* variables,
            # ~/.aws, the machine's role).
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or None,
            # As on disk: a new file never replaces another of the same name (two jobs' PDFs).
            "file_overwrite": False,
            "default_acl": None,
        },
    }
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Admin exports (django-import-export) neutralise formulas too; the portal's own
# exports go through jianding.spreadsheets.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/cards.html"

# Security headers. No inline script or style anywhere: assets are files.
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
# A form that comes back without its token gets the portal's page saying what to do.
CSRF_FAILURE_VIEW = "jianding.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Roles that sign in with a second factor (TOTP, recovery codes for when the phone is lost);
# comma-separated role names, e.g. add "examiner" to require it of them too. Exam staff are in by
# default: they download the registers that carry whole ID numbers.
SECOND_FACTOR_ROLES = [
    name.strip()
    for name in os.environ.get("SECOND_FACTOR_ROLES", "director,deputy,finance,clerk,exam_staff").split(",")
    if name.strip()
]
OTP_TOTP_ISSUER = "职业技能鉴定所"
# Django's admin (/admin/, for the IT staff: every record whole) answers 404 unless enabled, and
# then only to these networks (comma-separated, e.g. "10.20.0.0/16,192.0.2.7"; empty: any address).
# Every user of the admin signs in with a second factor, whatever his roles.
ADMIN_ENABLED = env_bool("ADMIN_ENABLED", False)
ADMIN_ALLOWED_NETWORKS = [
    ipaddress.ip_network(network, strict=False) for network in env_list("ADMIN_ALLOWED_NETWORKS", [])
]

# Staff sessions end after this idle time and at most this long after sign-in (shared tablets).
STAFF_IDLE_MINUTES = int(os.environ.get("STAFF_IDLE_MINUTES", "30"))
STAFF_SESSION_HOURS = int(os.environ.get("STAFF_SESSION_HOURS", "12"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# HTTPS_ONLY is set where the portal is served over HTTPS (every production).
HTTPS_ONLY = env_bool("HTTPS_ONLY", False)
if HTTPS_ONLY:
    if "SECRET_KEY" not in os.environ:
        raise ImproperlyConfigured("Set SECRET_KEY: a site served over HTTPS needs a secret key of its own.")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Behind a reverse proxy the client's address is the last hop the proxy added
# to X-Forwarded-For (jianding.client.client_ip; django-axes reads it the same way).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
AXES_CLIENT_IP_CALLABLE = "jianding.client.client_ip"

# Mail goes to the console unless an SMTP server is named.
if os.environ.get("SMTP_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["SMTP_HOST"],
                "port": int(os.environ.get("SMTP_PORT", "587")),
                "username": os.environ.get("SMTP_USER", ""),
                "password": os.environ.get("SMTP_PASSWORD", ""),
                "use_tls": env_bool("SMTP_TLS", True),
                # seconds: a hung server must not hold the worker past the outbox's claim
                "timeout": int(os.environ.get("SMTP_TIMEOUT", "30")),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "jianding@localhost")

# The portal's address as people type it (https://jianding.example.edu.cn), put before the links
# that e-mails carry; empty: they carry the path alone.
PORTAL_URL = os.environ.get("PORTAL_URL", "").rstrip("/")

# Text messages (notifications/sms.py): the console backend prints them; the Aliyun backend sends
# them through Aliyun's SendSms API with the sign name and, per kind of message, the template code
# registered there (SMS_TEMPLATES, JSON {"application_returned": "SMS_123456789", …}; a kind
# without a template is not sent by SMS). Each template's text takes the variable ${text}.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "notifications.sms.ConsoleBackend")
SMS_ALIYUN_ENDPOINT = os.environ.get("SMS_ALIYUN_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
SMS_ALIYUN_ACCESS_KEY_ID = os.environ.get("SMS_ALIYUN_ACCESS_KEY_ID", "")
SMS_ALIYUN_ACCESS_KEY_SECRET = os.environ.get("SMS_ALIYUN_ACCESS_KEY_SECRET", "")
SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "")
SMS_TEMPLATES = json.loads(os.environ.get("SMS_TEMPLATES", "{}"))
# The provider's flow limit, kept locally so the portal never hits it: messages of one template
# to one number a day (Asia/Shanghai).
SMS_PER_NUMBER_TEMPLATE_DAY = int(os.environ.get("SMS_PER_NUMBER_TEMPLATE_DAY", "10"))
# Codes texted to one number (verifying a phone, resetting a password; notifications/verification.py)
# a minute, an hour and a day: Aliyun's own flow limits for verification codes, kept locally.
PHONE_CODES_PER_MINUTE = int(os.environ.get("PHONE_CODES_PER_MINUTE", "1"))
PHONE_CODES_PER_HOUR = int(os.environ.get("PHONE_CODES_PER_HOUR", "5"))
PHONE_CODES_PER_DAY = int(os.environ.get("PHONE_CODES_PER_DAY", "10"))
# No text message between these hours (local time, "22:00"–"08:00"), except exam-day notices;
# the others wait until the quiet hours end.
SMS_QUIET_FROM = datetime.time.fromisoformat(os.environ.get("SMS_QUIET_FROM", "22:00"))
SMS_QUIET_UNTIL = datetime.time.fromisoformat(os.environ.get("SMS_QUIET_UNTIL", "08:00"))
# The shared secret the provider sends with its delivery receipts (header X-Receipt-Secret or
# ?secret=); empty refuses every receipt.
SMS_RECEIPT_SECRET = os.environ.get("SMS_RECEIPT_SECRET", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in at INFO; its AccessLog table keeps them.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
