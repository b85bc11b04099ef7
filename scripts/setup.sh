#!/usr/bin/env bash
# Make (or refresh) the project's virtual environment in .venv.
#   bash scripts/setup.sh        the application
#   bash scripts/setup.sh dev    the application + test and benchmark tools + Chromium
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "${1:-}" = "dev" ]; then
  .venv/bin/python -m pip install -q -r requirements-dev.txt
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # Browser tests drive Debian's Chromium (no browser download at test time); the
  # deployment test runs Debian's nginx in front of the app (tests/browser/test_nginx.py).
  MISSING=""
  [ -x /usr/bin/chromium ] || MISSING="$MISSING chromium"
  [ -x /usr/sbin/nginx ] || MISSING="$MISSING nginx"
  if [ -n "$MISSING" ]; then
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $MISSING >/dev/null
  fi
  if ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null; then
    # LibreOffice Impress opens the PowerPoint pack (converted to PDF); poppler-utils
    # (pdftotext, pdftoppm) reads PDFs back. Without recommended extras: CI time.
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      libreoffice-impress poppler-utils >/dev/null
  fi
else
  .venv/bin/python -m pip install -q -r requirements.txt
fi
