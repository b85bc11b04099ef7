#!/usr/bin/env bash
# Set up and run the dashboard on the default store (created on first run with the
# sample case and demo data). Extra arguments go to `streamlit run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/streamlit run app.py "$@"  # app.py: the dashboard with its URL rules
