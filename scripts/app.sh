#!/usr/bin/env bash
# Set up, then start the app on its built-in demo data (http://localhost:8501).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/gnt serve "$@"
