#!/usr/bin/env bash
# One idempotent setup path for both README commands. Installs only what is missing or at the wrong
# version, from the package registries alone (crates.io, npm, Debian); a second run takes seconds.
#   scripts/setup.sh serve   tools to build and serve the app
#   scripts/setup.sh test    the same, plus Chromium + ChromeDriver for the browser tests
# Source it (". scripts/setup.sh test") to keep the PATH it sets up.
set -euo pipefail

FAULTLINE_TRUNK_VERSION="0.21.14"
purpose="${1:-test}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# Rust: the wasm target and the lint/format components.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in clippy rustfmt; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^${component}"; then
    say "adding rustup component $component"
    rustup component add "$component"
  fi
done

# wasm-bindgen CLI at exactly the version in Cargo.lock (Trunk refuses any other and must not download).
wb_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock")"
if [ -z "$wb_version" ]; then
  echo "[setup] could not read the wasm-bindgen version from Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  say "installing wasm-bindgen-cli $wb_version (a few minutes, once)"
  # Not --locked: the registry mirror lacks one of its locked dependencies.
  cargo install wasm-bindgen-cli --version "$wb_version" --force
fi

# Trunk 0.21.14 (0.22 needs a newer rustc than this toolchain).
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$FAULTLINE_TRUNK_VERSION" ]; then
  say "installing trunk $FAULTLINE_TRUNK_VERSION (about 15 minutes, once)"
  cargo install trunk --version "$FAULTLINE_TRUNK_VERSION" --locked --force
fi

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    say "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
  say "installing Debian packages: $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Node.js and npm run the e2e tests and npm's binaryen (wasm-opt) for release builds.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi

# npm packages from the committed lockfile: @playwright/test (no browser download) and binaryen.
# Never Debian's binaryen: its wasm-opt 108 output crashes Chromium at start.
lock="$root/package-lock.json"
stamp="$root/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ] || [ ! -x "$root/node_modules/.bin/wasm-opt" ]; then
  say "installing npm packages from package-lock.json"
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ "$purpose" = test ]; then
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    apt_install chromium chromium-driver
  fi
fi

# Build crates come from crates.io once; afterwards builds run offline.
if ! (cd "$root" && cargo fetch --locked -q 2>/dev/null); then
  say "fetching crates"
  (cd "$root" && cargo fetch --locked)
fi
