#!/usr/bin/env bash
# Runs every check and test, stopping at the first failure:
# format, lints (native and wasm32), native tests, browser component tests, the release build,
# end-to-end tests against that build, then the first-load size report.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh test

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
started=$(date +%s)

step "cargo fmt --check"
cargo fmt --all --check

step "clippy (native)"
cargo clippy --locked --all-targets -- -D warnings

step "clippy (wasm32)"
cargo clippy --locked --all-targets --target wasm32-unknown-unknown -- -D warnings

step "native tests"
cargo test --locked

step "component tests in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER=/usr/bin/chromedriver \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --locked --target wasm32-unknown-unknown --test web

step "release build (trunk build --release --offline)"
trunk build --release --offline

step "end-to-end tests (Playwright, Chromium, dist/ under /course/unit-3/faultline/)"
playwright test

step "first-load size (gzip -9)"
node scripts/sizes.mjs

echo "all checks passed in $(( $(date +%s) - started )) s"
