#!/usr/bin/env bash
# Fuzzes the NixSyntax parser and flake reader with libFuzzer.
#
#   Scripts/fuzz-nixsyntax.sh [seconds]     (default 60)
#
# Builds its own binary under .build-fuzz/ (the flakelock executable is untouched), seeds the
# corpus with every .nix file under Tests/NixSyntaxTests, and runs for the given time on all
# cores but one. Crashing inputs are left as .build-fuzz/crash-*; turn each into a
# regression test in Tests/NixSyntaxTests/FuzzRegressionTests.swift.
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/.build-fuzz"
src="$work/src"
mkdir -p "$src" "$work/corpus"
rm -f "$src"/*.swift

# One module: NixSyntax + FlakeLockBasics (imports of FlakeLockBasics dropped) + the entry point.
for f in "$root"/Sources/NixSyntax/*.swift "$root"/Sources/FlakeLockBasics/*.swift; do
    sed -e '/^import FlakeLockBasics$/d' -e '/^import Logging$/d' "$f" >"$src/$(basename "$(dirname "$f")")_$(basename "$f")"
done
cp "$root/Fuzz/NixSyntax/main.swift" "$src/FuzzMain.swift"

swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name NixSyntaxFuzz \
    "$src"/*.swift -o "$work/fuzz-nixsyntax" 2>&1 | { grep -v "Cannot export local symbol" || true; }

# Seed corpus: real flakes and any .nix test data.
find "$root/Tests/NixSyntaxTests" -type f -name '*.nix' | while read -r f; do
    cp "$f" "$work/corpus/$(echo "$f" | sha1sum | cut -c1-16).nix"
done

jobs=$(($(nproc) > 1 ? $(nproc) - 1 : 1))
cd "$work"
./fuzz-nixsyntax -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
    -jobs="$jobs" -workers="$jobs" -print_final_stats=1 corpus 2>&1 | tail -n 40
ls crash-* timeout-* oom-* 2>/dev/null && { echo "fuzzer found problems (see above)"; exit 1; }
echo "no crashes in ${seconds}s"
