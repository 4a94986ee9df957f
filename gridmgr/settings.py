"""Django settings for gridmgr; every value can be set from the environment (see README)."""

import datetime as dt
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from gridmgr.conf import (
    env_bool,
    env_float,
    env_int,
    env_list,
    env_pair,
    env_str,
    private_cluster_port,
)
from gridmgr.server.logs import init_sentry, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

# --- production: the secret key and HTTPS (README: Serving in production) ---
# The development key is public (it is in this file): with DEBUG off it would let anyone forge
# sessions and password-reset links, so the app refuses to start rather than run on it.
DEV_SECRET_KEY = "dev-only-insecure-key-change-me"
SECRET_KEY = env_str("SECRET_KEY", "")
if not DEBUG and SECRET_KEY in ("", DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "DEBUG=false 时必须设置 SECRET_KEY（一个长的随机值，例如 python3 -c 'import secrets; "
        "print(secrets.token_urlsafe(50))' 的输出）/ SECRET_KEY must be set when DEBUG=false "
        "(a long random value, e.g. the output of python3 -c 'import secrets; "
        "print(secrets.token_urlsafe(50))')"
    )
SECRET_KEY = SECRET_KEY or DEV_SECRET_KEY
# All off by default: `make run` and the benchmarks serve plain HTTP on 127.0.0.1. Behind an
# HTTPS front server set them as the README's production environment does.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The header and value by which the front server says the client came over HTTPS, e.g.
# "HTTP_X_FORWARDED_PROTO,https"; trust it only when that server sets or strips the header.
SECURE_PROXY_SSL_HEADER = env_pair("SECURE_PROXY_SSL_HEADER")
# --- end of production settings ---

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.humanize",
    "leaflet",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "gridmgr",
]

MIDDLEWARE = [
    "gridmgr.server.request_id.RequestIdMiddleware",  # first: every response and log line has the id
    "gridmgr.server.security_headers.CoopOverHttpsOnlyMiddleware",  # outside: sees Security's headers
    "django.middleware.security.SecurityMiddleware",
    "gridmgr.server.input_guard.RequestGuardMiddleware",  # no NUL, no oversized body reaches a view
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gridmgr.server.locale.LocaleMiddleware",  # Chinese unless the user chose English
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the login page's answer
]

# --- login lockout (django-axes; README: configuration table) ---
# The axes backend refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "gridmgr.server.lockout.AddressBackend",  # an address with no failures left (gridmgr/server/lockout.py)
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failures are counted per user name AND address: one address cannot go on guessing a user's
# password, and a stranger's wrong guesses never lock the real user out of their own address
# (locking by user name alone would let one address lock every account; by address alone, one
# mistyping colleague would lock a whole office behind its NAT). REMOTE_ADDR is the address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("GRIDMGR_LOGIN_FAILURE_LIMIT", 5)
GRIDMGR_LOGIN_COOLOFF_MIN = env_float("GRIDMGR_LOGIN_COOLOFF_MIN", 15.0)
AXES_COOLOFF_TIME = dt.timedelta(minutes=GRIDMGR_LOGIN_COOLOFF_MIN)
AXES_RESET_ON_SUCCESS = True
# Failed logins one address may make an hour, whatever the user names (a token bucket of this
# many, refilled at this rate): slows password spraying across many accounts; 0 = no limit.
GRIDMGR_LOGIN_ADDRESS_FAILURES_PER_HOUR = env_int("GRIDMGR_LOGIN_ADDRESS_FAILURES_PER_HOUR", 50)
AXES_VERBOSE = False  # no start-up line on every manage.py command; lockouts are still logged
# The login page again with a message in the user's language (not axes's bare text).
AXES_LOCKOUT_CALLABLE = "gridmgr.server.lockout.lockout_response"

ROOT_URLCONF = "gridmgr.urls"
WSGI_APPLICATION = "gridmgr.wsgi.application"

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
                "gridmgr.pages.top_bar",
            ],
        },
    },
]

# The private cluster started by `make setup` (.ci/db.sh) unless DATABASE_URL names another;
# its port is GRIDMGR_PG_PORT, else the one db.sh last started it on (var/pgport), else 54329.
GRIDMGR_PG_PORT = env_int("GRIDMGR_PG_PORT", private_cluster_port(BASE_DIR))
DATABASE_URL = env_str("DATABASE_URL", f"postgis://postgres@127.0.0.1:{GRIDMGR_PG_PORT}/gridmgr")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Pages in Simplified Chinese by default, English when chosen (the switcher in the top bar sets
# the django_language cookie). Message ids are the Chinese texts; locale/en holds their English
# (README: languages). Dates and numbers follow the language (gridmgr/formats).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["gridmgr.formats"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Browser libraries (Leaflet, Geoman, …) installed by npm from package-lock.json, served locally.
STATICFILES_DIRS = [("vendor", BASE_DIR / "node_modules")]
LOGIN_URL = "/accounts/login/"
# "/" sends each role to its work (gridmgr.pages.landing); a ?next= address comes first.
LOGIN_REDIRECT_URL = "/"

# The admin's map widget: django-leaflet serves Leaflet from its own static files (no CDN).
# No base map unless GRIDMGR_TILES_URL names one (an internal tile server, {z}/{x}/{y}):
# government intranets often have no internet, and the map must work without tiles.
GRIDMGR_TILES_URL = env_str("GRIDMGR_TILES_URL", "")
LEAFLET_CONFIG = {
    "TILES": [("底图 / base map", GRIDMGR_TILES_URL, {})] if GRIDMGR_TILES_URL else [],
    "DEFAULT_CENTER": (39.90, 116.41),
    "DEFAULT_ZOOM": 12,
    "MAX_ZOOM": 20,
}

SILENCED_SYSTEM_CHECKS = [
    # Debian's GDAL 3.6 triggers gis.W001; gridmgr passes GDAL only allow-listed SRIDs.
    "gis.W001",
]

# --- gridmgr domain settings (README: configuration table) ---
# Points outside every zone but within this distance (metres) of one go to the nearest zone.
GRIDMGR_NEAREST_ZONE_M = env_float("GRIDMGR_NEAREST_ZONE_M", 50.0)
# Imported zones and regions may reach this far (metres) outside the district, no further.
GRIDMGR_DISTRICT_TOLERANCE_M = env_float("GRIDMGR_DISTRICT_TOLERANCE_M", 10.0)
# Most features one file may bring to import_zones, import_regions or generate_grid --streets.
GRIDMGR_IMPORT_MAX_FEATURES = env_int("GRIDMGR_IMPORT_MAX_FEATURES", 500_000)
# Blind spots and overlaps smaller than this (m²) are counted but not listed.
GRIDMGR_SLIVER_M2 = env_float("GRIDMGR_SLIVER_M2", 1.0)
# Unit-grid code scheme: "15" (Beijing: 12-digit community + 3), "14" (CJ/T 213: 12 + 2), "20".
GRIDMGR_GRID_CODE_SCHEME = env_str("GRIDMGR_GRID_CODE_SCHEME", "15")
# Threads used by bulk point-in-zone lookups.
GRIDMGR_LOOKUP_THREADS = env_int("GRIDMGR_LOOKUP_THREADS", 2)

# --- closed loop, intake and APIs (issue 4) ---
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
# Largest accepted photo (bytes); JPEG, PNG and WebP only.
GRIDMGR_PHOTO_MAX_BYTES = env_int("GRIDMGR_PHOTO_MAX_BYTES", 8 * 1024 * 1024)
# The intake's few fixed statements are prepared once per connection (about half the
# PostgreSQL CPU); off behind a pooler in transaction mode (PgBouncer before 1.21).
GRIDMGR_PREPARED_STATEMENTS = env_bool("GRIDMGR_PREPARED_STATEMENTS", True)
# Cases one client address may open an hour on the public /report/ form (0: no limit).
GRIDMGR_REPORT_LIMIT_PER_HOUR = env_int("GRIDMGR_REPORT_LIMIT_PER_HOUR", 20)
# Working calendar: weekdays (1 = Monday) and working periods of a day, local time.
GRIDMGR_WORKDAYS = [int(d) for d in env_list("GRIDMGR_WORKDAYS", ["1", "2", "3", "4", "5"])]
GRIDMGR_WORKING_HOURS = env_list("GRIDMGR_WORKING_HOURS", ["08:30-12:00", "13:30-17:30"])
# A new issue of the same category this close (metres) to an open one within this many hours
# is offered as a duplicate.
GRIDMGR_DUPLICATE_RADIUS_M = env_float("GRIDMGR_DUPLICATE_RADIUS_M", 30.0)
GRIDMGR_DUPLICATE_HOURS = env_float("GRIDMGR_DUPLICATE_HOURS", 72.0)
# Repeat problems: at least N issues of one category within R metres over D days.
GRIDMGR_REPEAT_RADIUS_M = env_float("GRIDMGR_REPEAT_RADIUS_M", 50.0)
GRIDMGR_REPEAT_DAYS = env_int("GRIDMGR_REPEAT_DAYS", 90)
GRIDMGR_REPEAT_MIN = env_int("GRIDMGR_REPEAT_MIN", 3)
# After a redraw, a current zone counts as holding part of an earlier unit (merged into, split
# into) when it covers at least this share (percent) of that unit's earlier area.
GRIDMGR_LINEAGE_SHARE_PCT = env_float("GRIDMGR_LINEAGE_SHARE_PCT", 5.0)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "gridmgr@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every error with `detail`, `zh` and `en` (gridmgr/api/errors.py).
    "EXCEPTION_HANDLER": "gridmgr.api.errors.handle",
    "DEFAULT_PARSER_CLASSES": [
        "gridmgr.api.parsers.CheckedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "gridmgr API",
    "DESCRIPTION": "网格化管理平台接口 / District grid management API",
    "VERSION": "1.0.0",
    # Swagger UI and ReDoc served from the installed sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": f"/{STATIC_URL}gridmgr/favicon.svg",
    # Swagger UI's default validatorUrl is validator.swagger.io (a badge that sends it the
    # schema's address off localhost, in layouts that show one): none, nothing leaves.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several models have a `kind`; name the photo's, which two serializers share.
    "ENUM_NAME_OVERRIDES": {"PhotoKindEnum": "gridmgr.models.cases.Photo.Kind"},
    # Every operation's error responses, in the API's one error shape.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "gridmgr.api.schema.add_error_responses",
    ],
}

# --- Open311 GeoReport v2 (gridmgr/open311), shown in /open311/v2/discovery.{xml,json} ---
GRIDMGR_OPEN311_CONTACT = env_str(
    "GRIDMGR_OPEN311_CONTACT", "区网格化管理中心 / the district grid management centre"
)
GRIDMGR_OPEN311_KEY_SERVICE = env_str(
    "GRIDMGR_OPEN311_KEY_SERVICE",
    "向区网格化管理中心申请 API 密钥 / ask the district grid management centre for an API key",
)
# When the service list (the categories) last changed: clients refresh their cache when it does.
GRIDMGR_OPEN311_CHANGESET = env_str("GRIDMGR_OPEN311_CHANGESET", "2026-11-26T00:00:00+08:00")

# --- map page (/map/, gridmgr.maps): base map and large-layer limits ---
# Base map under the zones: "none" (regions and zones drawn with their names give context; works
# on an intranet without internet), "mbtiles" (the district's own raster MBTiles file,
# GRIDMGR_MBTILES_PATH, served by the app), "osm", "tianditu" (needs GRIDMGR_TIANDITU_KEY) or
# "wmts" (GRIDMGR_WMTS_URL).
GRIDMGR_BASEMAP = env_str("GRIDMGR_BASEMAP", "none")
GRIDMGR_MBTILES_PATH = env_str("GRIDMGR_MBTILES_PATH", "")
# With no base map, the regions and zones of a layer around the view are drawn with their names
# when the view holds at most this many of them (features per layer).
GRIDMGR_MAP_CONTEXT_MAX_FEATURES = env_int("GRIDMGR_MAP_CONTEXT_MAX_FEATURES", 150)
if GRIDMGR_BASEMAP.strip().lower() == "mbtiles":
    LEAFLET_CONFIG["TILES"] = [("底图 / base map", "/map/basemap/{z}/{x}/{y}", {})]
GRIDMGR_TIANDITU_KEY = env_str("GRIDMGR_TIANDITU_KEY", "")
# An internal Web-Mercator tile server: a URL with {z}/{x}/{y} (or WMTS {TileMatrix}/{TileRow}/
# {TileCol}); defaults to the admin's GRIDMGR_TILES_URL.
GRIDMGR_WMTS_URL = env_str("GRIDMGR_WMTS_URL", GRIDMGR_TILES_URL)
# Unit grids are drawn from this zoom on, or earlier when the view holds fewer than
# GRIDMGR_MAP_SPARSE_FEATURES of them; one response holds at most GRIDMGR_MAP_MAX_FEATURES zones.
GRIDMGR_MAP_UNIT_GRID_MIN_ZOOM = env_int("GRIDMGR_MAP_UNIT_GRID_MIN_ZOOM", 15)
GRIDMGR_MAP_SPARSE_FEATURES = env_int("GRIDMGR_MAP_SPARSE_FEATURES", 3000)
GRIDMGR_MAP_MAX_FEATURES = env_int("GRIDMGR_MAP_MAX_FEATURES", 5000)
# Issues drawn at most (latest first).
GRIDMGR_MAP_MAX_ISSUES = env_int("GRIDMGR_MAP_MAX_ISSUES", 5000)
# Outlines are simplified to this many screen pixels at the requested zoom (pixels).
GRIDMGR_MAP_SIMPLIFY_PX = env_float("GRIDMGR_MAP_SIMPLIFY_PX", 0.5)
# Blind spots and overlaps of the district are cached this long at most (seconds); a plan
# activation, a zone edit or an ownership change invalidates them at once.
GRIDMGR_MAP_COVERAGE_CACHE_S = env_int("GRIDMGR_MAP_COVERAGE_CACHE_S", 600)
# --- end of map page settings ---

# Heavy analyses (the map's blind spots and overlaps, the coverage page's report) are cached in
# the database, so that every gunicorn worker, and every app server of a cluster, shares one
# result: the first visit after a change pays for the analysis once, not once per worker.
# "memory" keeps a cache per process instead (Django's LocMemCache).
GRIDMGR_CACHE = env_str("GRIDMGR_CACHE", "database")
# A coverage report (page, exports, /api/coverage/) is cached this long at most (seconds); a plan
# activation, a zone edit or an ownership change invalidates it at once (gridmgr/coverage/cache.py).
GRIDMGR_COVERAGE_CACHE_S = env_int("GRIDMGR_COVERAGE_CACHE_S", 600)
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        if GRIDMGR_CACHE == "memory"
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "gridmgr_cache",  # created by migrate (gridmgr/apps.py)
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    )
}

# --- coverage page exports (gridmgr.coverage.jobs) ---
# Where export jobs keep their state and files, and how long (hours); SYNC runs an export in the
# request instead of a worker thread.
GRIDMGR_COVERAGE_EXPORT_DIR = Path(
    env_str("GRIDMGR_COVERAGE_EXPORT_DIR", str(BASE_DIR / "var" / "exports"))
)
GRIDMGR_COVERAGE_EXPORT_KEEP_H = env_float("GRIDMGR_COVERAGE_EXPORT_KEEP_H", 24.0)
GRIDMGR_COVERAGE_EXPORT_SYNC = env_bool("GRIDMGR_COVERAGE_EXPORT_SYNC", False)

# --- serving (gridmgr/gunicorn.py reads these; Django does not) ---
GRIDMGR_BIND = env_str("GRIDMGR_BIND", "127.0.0.1:8000")
GRIDMGR_WORKERS = env_int("GRIDMGR_WORKERS", 2)
GRIDMGR_THREADS = env_int("GRIDMGR_THREADS", 8)
# The password of the demo accounts (manage.py demo_admin); empty: its printed demo default.
DEMO_ADMIN_PASSWORD = env_str("DEMO_ADMIN_PASSWORD", "")

# --- logs and error reports (gridmgr/server/logs.py; README: Logs) ---
# Standard error, one line a record ("text", or "json" lines for a log collector), each with
# the request id of gridmgr.server.request_id; server errors with their traceback.
# gunicorn's own log takes the same configuration (gridmgr.server.logs.GunicornLogger).
GRIDMGR_LOG_FORMAT = env_str("GRIDMGR_LOG_FORMAT", "text")
GRIDMGR_LOG_LEVEL = env_str("GRIDMGR_LOG_LEVEL", "INFO")
LOGGING = logging_config(GRIDMGR_LOG_FORMAT, GRIDMGR_LOG_LEVEL)
# Errors also go to the district's Sentry when it runs one; no personal data is sent.
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    init_sentry(
        SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        release=env_str("SENTRY_RELEASE", ""),
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
    )
# --- end of logs ---
