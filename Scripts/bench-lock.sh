#!/usr/bin/env bash
# Benchmark (issue 7): flakelock against Debian's Nix 2.8 on the same fake forge, with
# FORGE_DELAY_MS of latency on every request (default 50 ms):
#   cold lock of N GitHub inputs that each follow the root's nixpkgs (default N = 20),
#   a no-op lock, and an update of one input after its upstream moved.
# Uses the nixoracle harness (../shared/tools/nixoracle, or NIXORACLE=DIR), which runs both
# tools on identical copies and checks that their flake.lock files are identical.
# Usage: Scripts/bench-lock.sh [RUNS] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
n=${2:-20}
oracle=${NIXORACLE:-$(cd .. && pwd)/shared/tools/nixoracle}
[ -x "$oracle/nixoracle.py" ] || { echo "nixoracle not found at $oracle (set NIXORACLE)" >&2; exit 1; }
swift build -c release --product flakelock >/dev/null
export FLAKELOCK=$PWD/.build/release/flakelock
export FORGE_DELAY_MS=${FORGE_DELAY_MS:-50}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$n" > "$work/bench.json" <<'PY'
import json, sys
n = int(sys.argv[1])
repos = [{"name": "nixos/nixpkgs", "default_branch": "main",
          "commits": [{"id": "n1", "files": {"flake.nix": "{ outputs = _: { }; }", "lib.nix": "1\n"}}]}]
inputs = ['  inputs.nixpkgs.url = "github:nixos/nixpkgs";']
for i in range(n):
    name = "dep%02d" % i
    repos.append({"name": "org/%s" % name, "default_branch": "main", "commits": [
        {"id": "c1", "files": {"flake.nix": "{ inputs.nixpkgs.url = \"github:nixos/nixpkgs\"; outputs = _: { }; }",
                               "src/%s.nix" % name: "%d\n" % i}}]})
    inputs.append('  inputs.%s.url = "github:org/%s";' % (name, name))
    inputs.append('  inputs.%s.inputs.nixpkgs.follows = "nixpkgs";' % name)
top = ["{"] + inputs + ["  outputs = _: { };", "}"]
json.dump({
    "description": "benchmark: %d github inputs following nixpkgs" % n,
    "metadata": False,
    "universe": {"repos": repos},
    "top": {"files": {"flake.nix": top}},
    "steps": [
        {"nix": "flake lock", "name": "cold"},
        {"nix": "flake lock", "name": "noop", "fresh_cache": False},
        {"commit": {"repo": "org/dep07", "id": "c2", "files": {"src/dep07.nix": "moved\n"}}},
        {"nix": ["flake", "lock", "--update-input", "dep07"], "name": "update-one"},
    ],
}, sys.stdout, indent=1)
PY
: > "$work/times"
for r in $(seq "$runs"); do
  "$oracle/nixoracle.py" --root "$work/root" run "$work/bench.json" --tool "$oracle/flakelock-as-nix" > "$work/out" 2>&1 || {
    cat "$work/out" >&2; echo "bench-lock: run $r failed (see above)" >&2; exit 1; }
  grep -E '^\s*\[(nix|tool)\]' "$work/out" >> "$work/times"
  grep -qE '^DIFF' "$work/out" && { cat "$work/out" >&2; echo "bench-lock: locks differ" >&2; exit 1; }
done
python3 - "$work/times" "$runs" "$n" "$FORGE_DELAY_MS" <<'PY'
import re, statistics, sys
path, runs, n, delay = sys.argv[1:]
t = {}
labels = ["cold lock", "no-op lock", "update one input"]
seen = {}
for line in open(path):
    m = re.match(r"\s*\[(nix|tool)\]\s+(.*?)\s+rc=(\d+)\s+([\d.]+)s", line)
    if m:
        engine = m.group(1)
        k = seen.get(engine, 0)
        seen[engine] = (k + 1) % len(labels)
        t.setdefault((engine, labels[k]), []).append(float(m.group(4)))
print(f"{n} github inputs following nixpkgs, {delay} ms per request, {runs} runs, median wall time")
print(f"{'step':<36}{'nix 2.8':>10}{'flakelock':>11}{'ratio':>9}")
for step in labels:
    a, b = statistics.median(t[("nix", step)]), statistics.median(t[("tool", step)])
    print(f"{step:<36}{a:>9.3f}s{b:>10.3f}s{a / b:>8.1f}x")
PY
