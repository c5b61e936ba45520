#!/usr/bin/env bash
# Benchmark: `flakelock hash path` against `nix hash path` (Debian's Nix 2.8) on a generated
# tree of at least 10,000 files and 150 MB, warm page cache; prints medians, the ratio, and
# flakelock's throughput as a share of swift-crypto's single-core SHA-256 speed on 64 KiB
# buffers. Usage: Scripts/bench-hash.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
if [ -z "${FLAKELOCK:-}" ]; then
  swift build -c release --product flakelock >/dev/null
  swift build -c release --product flakelock-bench >/dev/null
fi
bin=${FLAKELOCK:-.build/release/flakelock}
benchbin=$(dirname "$bin")/flakelock-bench
tree=${BENCH_TREE:-/tmp/flakelock-bench-tree}
if [ ! -f "$tree/.complete" ]; then
  rm -rf "$tree"
  python3 - "$tree" <<'PY'
import os, random, sys
root = sys.argv[1]
rnd = random.Random(42)
total = 0
for i in range(12000):
    d = os.path.join(root, "d%02d" % (i % 97), "s%03d" % (i % 331))
    os.makedirs(d, exist_ok=True)
    # Mostly small files like a source tree, plus some large ones: ~180 MB in all.
    size = rnd.choice([500, 3000, 8000, 20000]) if i % 40 else 300_000
    p = os.path.join(d, "f%05d.txt" % i)
    with open(p, "wb") as f:
        f.write(rnd.randbytes(size))
    if i % 13 == 0:
        os.chmod(p, 0o755)
    total += size
    if i % 500 == 0:
        os.symlink("f%05d.txt" % i, os.path.join(d, "l%05d" % i))
open(os.path.join(root, ".complete"), "w").close()
print("tree: %d files, %.1f MB" % (12000, total / 1e6), file=sys.stderr)
PY
fi
files=$(find "$tree" -type f | wc -l)
bytes=$(du -sb "$tree" | cut -f1)
cat "$(find "$tree" -type f | head -1)" >/dev/null
export NIX_CONFIG=$'experimental-features = nix-command\nstore = /tmp/flakelock-bench-store'
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
# Warm up both and check they agree.
a=$("$bin" hash path "$tree"); b=$(nix hash path "$tree")
[ "$a" = "$b" ] || { echo "MISMATCH: flakelock $a, nix $b" >&2; exit 1; }
fl=$(for _ in $(seq "$runs"); do timeit "$bin" hash path "$tree"; done | median)
nx=$(for _ in $(seq "$runs"); do timeit nix hash path "$tree"; done | median)
narsize=$("$bin" hash path --json "$tree" | python3 -c 'import json,sys; print(json.load(sys.stdin)["narSize"])')
sha=$("$benchbin" sha256 1024 | awk '{print $2}')
python3 - "$files" "$bytes" "$narsize" "$fl" "$nx" "$sha" "$runs" <<'PY'
import sys
files, bytes_, nar, fl, nx, sha, runs = sys.argv[1:]
fl, nx, sha, nar = float(fl), float(nx), float(sha), int(nar)
thr = nar / fl / (1 << 20)
print(f"tree: {files} files, {int(bytes_)/1e6:.1f} MB on disk, NAR {nar/1e6:.1f} MB; {runs} runs each, warm cache")
print(f"flakelock hash path: median {fl:.3f} s ({thr:.0f} MiB/s)")
print(f"nix hash path:       median {nx:.3f} s")
print(f"speed-up vs nix:     {nx/fl:.2f}x")
print(f"swift-crypto SHA-256 single core (64 KiB buffers): {sha:.0f} MiB/s; flakelock reaches {100*thr/sha:.0f}%")
PY
