"""Django settings for gridmgr; every value can be set from the environment (see README)."""

from pathlib import Path

import dj_database_url

from gridmgr.conf import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "leaflet",
    "gridmgr",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The private cluster started by `make setup` (.ci/db.sh) unless DATABASE_URL names another.
DATABASE_URL = env_str(
    "DATABASE_URL",
    f"postgis://postgres@127.0.0.1:{env_int('GRIDMGR_PG_PORT', 54329)}/gridmgr",
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
LOGIN_URL = "/admin/login/"

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
# Blind spots and overlaps smaller than this (m²) are counted but not listed.
GRIDMGR_SLIVER_M2 = env_float("GRIDMGR_SLIVER_M2", 1.0)
# Unit-grid code scheme: "15" (Beijing: 12-digit community + 3), "14" (CJ/T 213: 12 + 2), "20".
GRIDMGR_GRID_CODE_SCHEME = env_str("GRIDMGR_GRID_CODE_SCHEME", "15")
# Threads used by bulk point-in-zone lookups.
GRIDMGR_LOOKUP_THREADS = env_int("GRIDMGR_LOOKUP_THREADS", 2)
