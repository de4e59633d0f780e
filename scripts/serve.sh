#!/usr/bin/env bash
# Builds the app (release) and serves it on http://127.0.0.1:8080, rebuilding on changes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh serve
echo "[serve] building; the app will be at http://127.0.0.1:8080/"
exec trunk serve --release --offline
