#!/usr/bin/env bash
# Install what gridmgr needs on Debian (as root), idempotently, and start its database.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(postgresql postgresql-contrib gdal-bin libgdal-dev python3-venv chromium fonts-noto-cjk
  poppler-utils)

apt_missing() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  echo "${missing[@]:-}"
}

install_apt() {
  local missing
  missing=$(apt_missing "${APT_PACKAGES[@]}")
  if [ -n "$missing" ]; then
    echo "== apt: installing $missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  fi
  # PostGIS for the PostgreSQL major version that is on the machine.
  local pgver
  pgver=$(ls /usr/lib/postgresql | sort -n | tail -1)
  missing=$(apt_missing "postgresql-${pgver}-postgis-3")
  if [ -n "$missing" ]; then
    echo "== apt: installing $missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$missing" >/dev/null
  fi
}

install_python() {
  local stamp=.venv/.installed
  local want
  want=$(sha256sum pyproject.toml | cut -c1-16)
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "== pip: installing pinned packages"
    .venv/bin/pip install -q --upgrade pip >/dev/null
    .venv/bin/pip install -q -e '.[dev]'
    echo "$want" > "$stamp"
  fi
}

install_npm() {
  if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    fi
  fi
  local stamp=node_modules/.installed
  local want
  want=$(sha256sum package-lock.json | cut -c1-16)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "== npm: installing browser assets"
    npm ci --no-audit --no-fund --silent
    echo "$want" > "$stamp"
  fi
}

if [ "$(id -u)" = "0" ]; then
  install_apt
else
  echo "(not root: skipping apt; make sure PostGIS and GDAL are installed)"
fi
install_python
install_npm
if [ -z "${DATABASE_URL:-}" ]; then
  bash .ci/db.sh start
fi
