#!/usr/bin/env bash
# Runs the same M/M/c queue through Faultline's engine (`faultline-cli bench-mmc`) and through
# SimPy (`bench/simpy_mmc.py`), then prints a markdown table of speed and accuracy.
#
#   bench/compare.sh                      # c = 50, rho = 0.9, 1,000,000 customers, seed 1
#   CUSTOMERS=200000 RUNS=2 bench/compare.sh
#
# Environment: CUSTOMERS, SERVERS, RHO, SEED (the model); RUNS (runs of each side, default 1);
# PYTHON (interpreter that creates the venv, default python3); CARGO_TARGET_DIR (honoured).
# The venv lives in ${TMPDIR:-/tmp}/faultline-simpy-venv and is created on first use.
set -euo pipefail

die() {
  echo "compare.sh: $*" >&2
  exit 1
}
step() { echo "==> $*" >&2; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

servers="${SERVERS:-50}"
rho="${RHO:-0.9}"
customers="${CUSTOMERS:-1000000}"
seed="${SEED:-1}"
runs="${RUNS:-1}"
python="${PYTHON:-python3}"
venv="${TMPDIR:-/tmp}/faultline-simpy-venv"

[[ "$customers" =~ ^[1-9][0-9]*$ ]] || die "CUSTOMERS must be a positive integer, got '$customers'"
[[ "$servers" =~ ^[1-9][0-9]*$ ]] || die "SERVERS must be a positive integer, got '$servers'"
[[ "$seed" =~ ^[0-9]+$ ]] || die "SEED must be a non-negative integer, got '$seed'"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$runs'"
command -v cargo >/dev/null || die "cargo not found (install Rust from https://rustup.rs)"

# 1. The SimPy venv, pinned by bench/requirements.txt.
vpy="$venv/bin/python"
if [[ ! -x "$vpy" ]]; then
  command -v "$python" >/dev/null || die "$python not found; set PYTHON=/path/to/python3"
  step "creating the SimPy venv in $venv"
  "$python" -m venv "$venv" ||
    die "could not create a venv with $python (on Debian/Ubuntu: apt-get install python3-venv)"
fi
want="$(sed -n 's/^simpy==//p' "$here/requirements.txt")"
if ! "$vpy" -c "import sys, simpy; sys.exit(simpy.__version__ != '$want')" 2>/dev/null; then
  step "installing bench/requirements.txt (simpy==$want) into $venv"
  "$vpy" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt" ||
    die "pip install failed (is PyPI reachable?)"
fi

# 2. The engine, in release.
step "building faultline-cli (release)"
cargo build --quiet --release --bin faultline-cli --manifest-path "$root/Cargo.toml" ||
  die "cargo build failed"
cli="${CARGO_TARGET_DIR:-$root/target}/release/faultline-cli"
[[ -x "$cli" ]] || die "built, but $cli is missing (is the target directory set elsewhere?)"

# 3. Both implementations on the same model, alternating, RUNS times each.
out="$(mktemp -d "${TMPDIR:-/tmp}/faultline-bench.XXXXXX")"
args=(--servers "$servers" --rho "$rho" --customers "$customers" --seed "$seed")
for ((i = 1; i <= runs; i++)); do
  step "run $i/$runs: faultline-cli bench-mmc ${args[*]}"
  "$cli" bench-mmc "${args[@]}" >"$out/engine-$i.json" || die "faultline-cli bench-mmc failed"
  step "run $i/$runs: simpy_mmc.py ${args[*]}"
  "$vpy" "$here/simpy_mmc.py" "${args[@]}" >"$out/simpy-$i.json" || die "simpy_mmc.py failed"
done

# 4. The table. The speed-up compares the best run of each side (least disturbed by other load).
"$vpy" - "$out" "$runs" <<'EOF'
import json, sys
out, runs = sys.argv[1], int(sys.argv[2])
load = lambda name: [json.load(open(f"{out}/{name}-{i}.json")) for i in range(1, runs + 1)]
engine, simpy = load("engine"), load("simpy")
e0 = engine[0]
print(f"\n{e0['model']}, rho = {e0['rho']}, {e0['customers']:,} customers, seed {e0['seed']}\n")
print("| implementation | run | customers/s | wall s | mean wait s | P(wait) |")
print("|---|---:|---:|---:|---:|---:|")
rows = [("Faultline engine (faultline-cli)", engine), (f"SimPy {simpy[0]['simpy_version']} ({simpy[0]['python']})", simpy)]
for label, rs in rows:
    for i, r in enumerate(rs, 1):
        print(f"| {label} | {i} | {r['customers_per_second']:,.0f} | {r['wall_seconds']:.3f} "
              f"| {r['mean_wait_s']:.4f} | {r['p_wait']:.4f} |")
print(f"| Erlang C (theory) | | | | {e0['erlang_c_mean_wait_s']:.4f} | {e0['erlang_c_p_wait']:.4f} |")
best = lambda rs: max(r["customers_per_second"] for r in rs)
print(f"\nSpeed-up (best engine run / best SimPy run): {best(engine) / best(simpy):.1f}×")
EOF
echo "raw JSON: $out" >&2
