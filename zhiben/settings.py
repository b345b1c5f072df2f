"""Settings for zhiben, read from the environment (django-environ).

Defaults give a working embedded setup (SQLite under ``data/``, Huey on SQLite); production sets
``DATABASE_URL``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``REDIS_URL`` (see docs/operators.md).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from pathlib import Path
from typing import Any

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))
DATA_DIR = Path(env.str("ZHIBEN_DATA_DIR", default=str(BASE_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
# A development key is only accepted while DEBUG is on or for the embedded demo; production must set
# SECRET_KEY (checked by `manage.py check --deploy` and refused at start-up when ZHIBEN_PRODUCTION=1).
PRODUCTION = env.bool("ZHIBEN_PRODUCTION", default=False)
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="zhiben-embedded-demo-key-not-for-production-use-0001")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form gets a Chinese page that links back to it; the browser's draft brings its input back.
CSRF_FAILURE_VIEW = "zhiben.common.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "axes",
    "huey.contrib.djhuey",
    "zhiben.common",
    "zhiben.audit",
    "zhiben.regions",
    "zhiben.reference",
    "zhiben.enterprises",
    "zhiben.departments",
    "zhiben.hazards",
    "zhiben.notifications",
    "zhiben.analytics",
    "zhiben.imports",
    "zhiben.escalation",
    "zhiben.web",
    "zhiben.accidents",
    "zhiben.tips",
    "zhiben.filings",
    "zhiben.plans",
    "zhiben.duties",
    "zhiben.inspections",
    "zhiben.risks",
    "zhiben.documents",
    "zhiben.accounts",
    "zhiben.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # NUL, lone surrogates and unreadable bodies refused before any view (422/400/413/415, never a 500)
    "zhiben.common.middleware.RequestScreenMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zhiben.common.middleware.SecurityHeadersMiddleware",
    "zhiben.common.middleware.ListMemoryMiddleware",
    "zhiben.common.middleware.DraftSavedMiddleware",
    "zhiben.common.idempotency.IdempotencyKeyMiddleware",
    # axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhiben.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhiben" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhiben.notifications.context_processors.unread",
                "zhiben.web.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "zhiben.wsgi.application"

# An empty DATABASE_URL (a copied .env with the value left out) means the embedded default, as an unset one.
DATABASES = {
    "default": env.db_url_config(env.str("DATABASE_URL", default="") or f"sqlite:///{DATA_DIR / 'zhiben.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task consumer read while one of them writes; IMMEDIATE
    # transactions avoid the deadlock-prone lock upgrade of SQLite's default deferred mode.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            " PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"  # the to-do page, or home for admins (web.views.start)
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock a username after repeated failures from any address (an attacker rotating
# addresses must not get unlimited tries at one account), for a cool-off period.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# JSON under /api/ (a client reading {"detail"} must not get an HTML page on the attempt that locks it out)
AXES_LOCKOUT_CALLABLE = "zhiben.accounts.lockout.lockout_response"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "zhiben" / "locale"]
# China Standard Time: "today", "overdue" and every date figure use the Beijing calendar day.
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "zhiben" / "static", BASE_DIR / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# A missing manifest entry (static files not collected yet) falls back to the plain name, not a 500.
WHITENOISE_MANIFEST_STRICT = False
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # evidence is served by a scoped view, never straight from disk

# Security headers. HTTPS-only settings follow ZHIBEN_HTTPS so that the embedded http:// demo works.
HTTPS = env.bool("ZHIBEN_HTTPS", default=PRODUCTION)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
if env.str("SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024


def database_identity(database: dict[str, Any]) -> str:
    """``<name>-<12 hex digits>``: the database's name and a hash of what makes it that database — the
    resolved file of SQLite, the engine, host, port and name of a server (not the password, so that
    rotating it keeps the identity). State kept outside the database by path or by key (the Huey queue, the
    cache) is named with it, so that two servers of one checkout on two databases never share it."""
    if database["ENGINE"] == "django.db.backends.sqlite3":
        path = Path(str(database["NAME"]))
        key, name = f"sqlite:{path.resolve()}", path.stem
    else:
        host, port, name = database.get("HOST", ""), database.get("PORT", ""), str(database["NAME"])
        key = f"{database['ENGINE']}://{host}:{port}/{name}"
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:40] or "db"
    return f"{readable}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


DATABASE_IDENTITY = database_identity(DATABASES["default"])

# Huey: SQLite storage in the embedded default, Redis when REDIS_URL is set (any number of consumers).
# The queue belongs to its database (case 13 of the field trials: two servers of one checkout on two
# databases once shared one queue file, and each ran the other's import jobs against its own database).
REDIS_URL = env.str("REDIS_URL", default="")
HUEY_IMMEDIATE = env.bool("HUEY_IMMEDIATE", default=False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": f"zhiben-{DATABASE_IDENTITY}",
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": f"zhiben-{DATABASE_IDENTITY}",
        "filename": str(DATA_DIR / f"huey-{DATABASE_IDENTITY}.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread"},
    }

# Programme settings (FACTS.md §1: the cut-off and deadlines are settings, plans differ).
ZHIBEN = {
    "STOCK_CUTOFF": env.str("ZHIBEN_STOCK_CUTOFF", default="2023-12-31"),
    "STOCK_DEADLINE": env.str("ZHIBEN_STOCK_DEADLINE", default="2024-12-31"),
    "API_TOKEN_TTL_DAYS": env.int("ZHIBEN_API_TOKEN_TTL_DAYS", default=30),
    "PAGE_SIZE": 50,
    # Summary counts: concurrent writers add to one of this many rows per key (by database session), so
    # that hazards recorded at once in different counties do not queue on their province's row; readers
    # sum the stripes and the nightly fold merges them (docs/adr/0001-tallies-in-the-transaction.md).
    "TALLY_STRIPES": env.int("ZHIBEN_TALLY_STRIPES", default=16),
    # Any request body: a bigger Content-Length is refused at once (413), before anything is read.
    "REQUEST_MAX_BYTES": env.int("ZHIBEN_REQUEST_MAX_MB", default=200) * 1024 * 1024,
    # Evidence files (photos, PDF): size cap per file.
    "ATTACHMENT_MAX_BYTES": env.int("ZHIBEN_ATTACHMENT_MAX_MB", default=20) * 1024 * 1024,
    # The escalation ladder: days overdue -> step (DESIGN.md §3 defaults; local rules differ).
    "ESCALATION_DAYS": {
        "reminder": env.int("ZHIBEN_ESCALATE_REMINDER_DAYS", default=1),
        "letter": env.int("ZHIBEN_ESCALATE_LETTER_DAYS", default=15),
        "circular": env.int("ZHIBEN_ESCALATE_CIRCULAR_DAYS", default=30),
        "interview": env.int("ZHIBEN_ESCALATE_INTERVIEW_DAYS", default=60),
    },
    # A major hazard this many days overdue is proposed for listing (挂牌督办).
    # 临期提醒: this many days before a due day (0: none), for every deadline the escalation engine runs.
    "REMIND_BEFORE_DAYS": env.int("ZHIBEN_REMIND_BEFORE_DAYS", default=3),
    # A plan task's progress report (每年 / 长期坚持 tasks) is due this many days after its period ends.
    "PLAN_REPORT_GRACE_DAYS": env.int("ZHIBEN_PLAN_REPORT_GRACE_DAYS", default=5),
    # Inspections (issue 14). Yearly inspections per supervision class A–D (provincial practice, FACTS §5:
    # configurable; class D enterprises are reached by 双随机 draws only).
    "INSPECTION_FREQUENCIES": {
        "A": env.int("ZHIBEN_INSPECT_A", default=4),
        "B": env.int("ZHIBEN_INSPECT_B", default=2),
        "C": env.int("ZHIBEN_INSPECT_C", default=1),
        "D": env.int("ZHIBEN_INSPECT_D", default=0),
    },
    # A rectification order (责令限期整改) is re-inspected within this many days after its deadline (复查). No
    # national figure was found in the texts at hand: local practice, a setting.
    "REINSPECTION_DAYS": env.int("ZHIBEN_REINSPECTION_DAYS", default=3),
    # 安全生产法 第一百一十三条(一): a major hazard penalised 3 times within 180 days or 4 times within a year.
    # Whether the day of the first penalty counts as day 1 of the window: by 民法典 第二百零一条 (期间开始的当日
    # 不计入) it does not, so by default the window runs from the next day (d_last - d_first <= 180).
    # A window is N days or "Ny"/"Nm" calendar years/months: "一年内" is the calendar year from the first penalty
    # (民法典 第二百零二条: the corresponding day, or the month's last), not 365 days (zhiben/inspections/repeat.py).
    "REPEAT_OFFENCE_RULES": ((3, 180), (4, "1y")),
    "REPEAT_OFFENCE_FIRST_DAY_COUNTED": env.bool("ZHIBEN_REPEAT_OFFENCE_FIRST_DAY_COUNTED", default=False),
    # Dual prevention (issue 15). The scoring methods and their bands, highest first: [exclusive lower bound, grade]
    # (zhiben/risks/rules.py; LEC per Graham–Kinney tables, bands and the 5×5 matrix as the provincial
    # dual-prevention standards grade them, e.g. DB37/T 2882-2016 — a province may set its own here).
    "RISK_METHODS": {
        "lec": {
            "factors": {
                "l": {"label": "L（事故发生的可能性）", "values": [0.1, 0.2, 0.5, 1, 3, 6, 10]},
                "e": {"label": "E（暴露于危险环境的频繁程度）", "values": [0.5, 1, 2, 3, 6, 10]},
                "c": {"label": "C（发生事故产生的后果）", "values": [1, 3, 7, 15, 40, 100]},
            },
            "bands": [[320, "red"], [160, "orange"], [70, "yellow"], [0, "blue"]],
        },
        "ls": {
            "factors": {
                "likelihood": {"label": "L（可能性）", "min": 1, "max": 5},
                "severity": {"label": "S（严重性）", "min": 1, "max": 5},
            },
            "bands": [[19, "red"], [14, "orange"], [8, "yellow"], [0, "blue"]],
        },
    },
    # A check record that reaches the server more than this many hours after the check was made (a phone that was
    # offline) is kept with its own time and marked late (逾期上传) rather than refused (issue 15).
    "CHECK_LATE_UPLOAD_HOURS": env.int("ZHIBEN_CHECK_LATE_UPLOAD_HOURS", default=24),
    # The missed-check ladder: the assignee is told of every missed cycle; after this many cycles of one task missed
    # in a row the enterprise's safety manager, then its officers (issue 15).
    "CHECK_LADDER": {
        "safety_manager": env.int("ZHIBEN_CHECK_LADDER_SAFETY_MANAGER", default=2),
        "officers": env.int("ZHIBEN_CHECK_LADDER_OFFICERS", default=3),
    },
    "LISTING_PROPOSAL_DAYS": env.int("ZHIBEN_LISTING_PROPOSAL_DAYS", default=90),
    # The regulator's review of a major hazard's close-out (审核销号), in calendar days from the submission:
    # a listed hazard within 10 days (16号令 第十八、二十二条, FACTS §1); an unlisted one by a setting
    # (no national figure was found; the same 10 by default).
    "REVIEW_DAYS_LISTED": env.int("ZHIBEN_REVIEW_DAYS_LISTED", default=10),
    "REVIEW_DAYS": env.int("ZHIBEN_REVIEW_DAYS", default=10),
    # A major hazard still without a plan (五落实) this many days after its discovery is flagged and climbs
    # the ladder (no national figure was found: a setting).
    "PLAN_DAYS": env.int("ZHIBEN_PLAN_DAYS", default=7),
    # The longest rectification period, from the day a deadline is set (or the discovery, if later), plans
    # and extensions alike (FACTS §1, escalation practice: 整改期限最长不超过一年; rules.latest_deadline).
    "RECTIFICATION_MAX_MONTHS": env.int("ZHIBEN_RECTIFICATION_MAX_MONTHS", default=12),
    # Extensions (延期), in working days of the official calendar (FACTS §1, escalation practice: asked at
    # least 20 working days before the deadline, decided within 10 working days of the request).
    "EXTENSION_NOTICE_WORKING_DAYS": env.int("ZHIBEN_EXTENSION_NOTICE_WORKING_DAYS", default=20),
    "EXTENSION_DECISION_WORKING_DAYS": env.int("ZHIBEN_EXTENSION_DECISION_WORKING_DAYS", default=10),
    # Excel imports: a bigger file or more rows is refused with a message (split the file)
    "IMPORT_MAX_MB": env.int("ZHIBEN_IMPORT_MAX_MB", default=50),
    "IMPORT_MAX_ROWS": env.int("ZHIBEN_IMPORT_MAX_ROWS", default=200_000),
    # Uploaded workbooks (and their error workbooks) are deleted this many days after the job ended.
    "IMPORT_KEEP_DAYS": env.int("ZHIBEN_IMPORT_KEEP_DAYS", default=30),
    # Tips (举报奖励, FACTS §3; 《安全生产领域举报奖励办法》): deadlines in days and the national reward rule.
    "TIP_VERIFY_DAYS": env.int("ZHIBEN_TIP_VERIFY_DAYS", default=60),
    "TIP_EXTENSION_DAYS": env.int("ZHIBEN_TIP_EXTENSION_DAYS", default=30),
    "TIP_REPLY_DAYS": env.int("ZHIBEN_TIP_REPLY_DAYS", default=10),
    # 应急〔2023〕106号 (per FACTS §3): an objection within 10 days of the reply, its re-review within 30.
    "TIP_OBJECTION_DAYS": env.int("ZHIBEN_TIP_OBJECTION_DAYS", default=10),
    "TIP_REVIEW_DAYS": env.int("ZHIBEN_TIP_REVIEW_DAYS", default=30),
    # The reward is claimed within 60 days of the reward notice (领取期限).
    "TIP_CLAIM_DAYS": env.int("ZHIBEN_TIP_CLAIM_DAYS", default=60),
    # Only real-name reporters (实名举报人) are rewarded; a province whose rules reward anonymous tips too
    # (by a code agreed with the reporter) sets this false.
    "TIP_REWARD_REAL_NAME_ONLY": env.bool("ZHIBEN_TIP_REWARD_REAL_NAME_ONLY", default=True),
    "TIP_REWARD": {
        "rate": env.str("ZHIBEN_TIP_REWARD_RATE", default="0.15"),
        "min": env.int("ZHIBEN_TIP_REWARD_MIN", default=3000),
        "max": env.int("ZHIBEN_TIP_REWARD_MAX", default=300_000),
        # per concealed death, by the accident's final grade
        "per_death": {"general": 30_000, "relatively_major": 40_000, "major": 50_000, "especially_major": 60_000},
        "max_accident": env.int("ZHIBEN_TIP_REWARD_ACCIDENT_MAX", default=300_000),
    },
    # Keys sealing tipsters' identity and the tips' text (Fernet, newest first; see docs/operators.md).
    "TIP_KEYS": env.list("ZHIBEN_TIP_KEYS", default=[]),
    # A form token or Idempotency-Key sent again within this many minutes answers the first result
    # (a double tap on a slow phone, a retry after a lost answer); rows older than this are deleted.
    "SUBMISSION_KEEP_MINUTES": env.int("ZHIBEN_SUBMISSION_KEEP_MINUTES", default=120),
    # Public endpoints, per client: submissions and follow-ups; receipt look-ups; wrong receipts before lockout.
    "TIP_RATE_LIMIT": env.str("TIP_RATE_LIMIT", default="10/h"),
    "TIP_RECEIPT_RATE_LIMIT": env.str("TIP_RECEIPT_RATE_LIMIT", default="60/h"),
    "TIP_RECEIPT_FAILURES": env.str("TIP_RECEIPT_FAILURES", default="5/h"),
    # Accidents (《生产安全事故报告和调查处理条例》, FACTS §4). Grades (第三条): per criterion, the lower bounds
    # of 较大, 重大 and 特别重大 ("以上" includes the number); below the first is 一般; the highest grade reached
    # by any criterion wins. Env: comma-separated, e.g. ZHIBEN_ACCIDENT_DEATHS=3,10,30.
    "ACCIDENT_THRESHOLDS": {
        "deaths": env.list("ZHIBEN_ACCIDENT_DEATHS", cast=int, default=[3, 10, 30]),
        "serious_injuries": env.list("ZHIBEN_ACCIDENT_SERIOUS_INJURIES", cast=int, default=[10, 50, 100]),
        "direct_loss": env.list("ZHIBEN_ACCIDENT_DIRECT_LOSS", cast=str, default=["10000000", "50000000", "100000000"]),
    },
    # The unit reports to the county within 1 hour (第九条, FACTS §4): a later first report is flagged 迟报.
    "ACCIDENT_REPORT_LIMIT_MINUTES": env.int("ZHIBEN_ACCIDENT_REPORT_LIMIT_MINUTES", default=60),
    # Casualty changes are reported again (补报) within 30 days of the accident, 7 days for road traffic
    # accidents and fires whatever the sector (第十三条, FACTS §4): the short window follows the accident's type.
    "ACCIDENT_SUPPLEMENT_DAYS": env.int("ZHIBEN_ACCIDENT_SUPPLEMENT_DAYS", default=30),
    "ACCIDENT_SHORT_SUPPLEMENT_DAYS": env.int("ZHIBEN_ACCIDENT_SHORT_SUPPLEMENT_DAYS", default=7),
    # A major hazard an enterprise of these sectors finds itself is reported to the regulator within this many
    # working days of the official calendar (电力: 国家发展改革委令第41号 第十八条, FACTS §2; text not read).
    "REGULATOR_REPORT_SECTORS": env.list("ZHIBEN_REGULATOR_REPORT_SECTORS", default=["power"]),
    "REGULATOR_REPORT_WORKING_DAYS": env.int("ZHIBEN_REGULATOR_REPORT_WORKING_DAYS", default=3),
    # 16号令 第十四条 statistics (FACTS §1): a quarter's by this day of the next quarter's first month, a
    # year's by this day of January of the next year.
    "STATISTICS_QUARTER_DUE_DAY": env.int("ZHIBEN_STATISTICS_QUARTER_DUE_DAY", default=15),
    "STATISTICS_YEAR_DUE_DAY": env.int("ZHIBEN_STATISTICS_YEAR_DUE_DAY", default=31),
}

if PRODUCTION and not ZHIBEN["TIP_KEYS"]:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("ZHIBEN_TIP_KEYS is required in production (see docs/operators.md, tips)")

# The cache holds the rate-limit counters of the public tip pages: shared through Redis when there is one.
# Its keys carry the database's identity: servers of two databases on one Redis count apart.
CACHES = (
    {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": DATABASE_IDENTITY,
        }
    }
    if REDIS_URL
    else {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
)
# Behind a proxy, the client's address for the rate limits comes from this header (e.g. HTTP_X_REAL_IP).
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default="") or None

NINJA_PAGINATION_MAX_LIMIT = 500
NINJA_PAGINATION_CLASS = "zhiben.common.pagination.LimitOffset"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Receipt codes never reach a log line (django.request logs the path of every 4xx).
    "filters": {
        "no_receipts": {"()": "zhiben.common.logfilters.RedactReceipts"},
        # a 4xx is one WARNING line (status, path, user), never a traceback: only a 5xx is an error
        "refusals": {"()": "zhiben.common.logfilters.RefusalsWithoutTraceback"},
    },
    # LOG_LEVEL bounds every line printed (the handler's level), whatever a logger's own level says
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["refusals", "no_receipts"],
            "level": env.str("LOG_LEVEL", default="INFO"),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # replaces Django's own "django" handlers (its console handler would print paths unfiltered)
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"filters": ["refusals"]},
        "django.db.backends": {"level": "INFO"},
        "huey": {"level": "INFO"},
    },
}

# Lockout is by username on purpose: rotating addresses or agents does not reset it, and locking by
# address would lock a whole township office behind one NAT after a few typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_VERBOSE = False

# E-mail (notifications): sent only when a mail server is configured.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="zhiben@localhost")
ZHIBEN_EMAIL_ENABLED = bool(EMAIL_HOST) or env.bool("ZHIBEN_EMAIL_ENABLED", default=False)
# SMS or enterprise messaging (企业微信/钉钉): the dotted path of a class with ``send(messages)`` (see
# zhiben/notifications/channels.py and docs/operators.md); the default only logs what it would send.
ZHIBEN_MESSENGER = env.str("ZHIBEN_MESSENGER", default="zhiben.notifications.channels.LogMessenger")
