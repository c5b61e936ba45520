#!/usr/bin/env bash
# Fuzzes one of flakelock's parsers with libFuzzer.
#
#   Scripts/fuzz.sh TARGET [SECONDS]     (default 60)
#
# TARGET is one of:
#   nixsyntax  the Nix parser and flake.nix reader (Fuzz/NixSyntax)
#   lockfile   the flake.lock reader, writer and graph walks (Fuzz/LockFile)
#   flakeref   the flake-reference parser (Fuzz/FlakeRef)
#
# Builds its own binary under .build-fuzz/TARGET/ (the flakelock executable is untouched):
# the target's modules are compiled as one module with the fuzzer and AddressSanitizer, so
# internal API is visible. The lockfile and flakeref targets link swift-crypto's objects
# from a normal debug build (`swift build --target NixCompat`, run here). The corpus is
# seeded from the tests' data and kept between runs; the run uses all cores but one.
# Crashing inputs are left as .build-fuzz/TARGET/crash-* (timeout-*, oom-*); turn each
# into a regression test. Exit status 1 if any was found.
set -euo pipefail

target="${1:?usage: Scripts/fuzz.sh nixsyntax|lockfile|flakeref [SECONDS]}"
seconds="${2:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/.build-fuzz/$target"
src="$work/src"
corpus="$work/corpus"
mkdir -p "$src" "$corpus"
rm -f "$src"/*.swift

# Copies the sources of the given modules into $src as one module (their imports of each
# other dropped; file names prefixed by module, as basenames repeat across modules).
gather() {
    for module in "$@"; do
        find "$root/Sources/$module" -name '*.swift' | while read -r f; do
            sed -e '/^import FlakeLockBasics$/d' -e '/^import NixCompat$/d' -e '/^import Logging$/d' \
                "$f" >"$src/${module}_$(basename "$f")"
        done
    done
}

# Seeds the corpus with files (named by content hash, so reruns add nothing twice).
seed() {
    while read -r f; do
        [ -f "$f" ] && cp "$f" "$corpus/$(sha1sum <"$f" | cut -c1-16)"
    done
}

extra=()
case "$target" in
nixsyntax)
    gather NixSyntax FlakeLockBasics
    module=NixSyntaxFuzz entry="$root/Fuzz/NixSyntax/main.swift" max_len=4096
    find "$root/Tests/NixSyntaxTests" -type f -name '*.nix' | seed
    ;;
lockfile | flakeref)
    gather FlakeLockBasics NixCompat FlakeModel
    (cd "$root" && swift build --target NixCompat >/dev/null)
    debug="$(cd "$root" && swift build --show-bin-path)"
    extra=(-I "$debug/Modules")
    while read -r o; do extra+=("$o"); done < <(find "$debug/Crypto.build" "$debug/CryptoBoringWrapper.build" \
        "$debug/CCryptoBoringSSL.build" "$debug/CCryptoBoringSSLShims.build" -name '*.o')
    if [ "$target" = lockfile ]; then
        module=LockFileFuzz entry="$root/Fuzz/LockFile/main.swift" max_len=16384
        { find "$root/Tests/FlakeModelTests/Vectors" -name '*.lock'
          find "$root/Tests/NixSyntaxTests/Vectors" -name 'flake.lock'; } | seed
    else
        module=FlakeRefFuzz entry="$root/Fuzz/FlakeRef/main.swift" max_len=1024
        # Every quoted reference in the seed list and in the real flakes' flake.nix files.
        { cat "$root/Fuzz/FlakeRef/seeds.txt"
          grep -rhoE 'url = "[^"]+"' "$root/Tests/NixSyntaxTests/Vectors" | sed -e 's/^url = "//' -e 's/"$//'; } |
            sort -u | while IFS= read -r ref; do
                printf '%s' "$ref" >"$corpus/$(printf '%s' "$ref" | sha1sum | cut -c1-16)"
            done
    fi
    ;;
*)
    echo "unknown fuzz target '$target' (nixsyntax, lockfile, flakeref)" >&2
    exit 2
    ;;
esac
cp "$entry" "$src/FuzzMain.swift"

swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name "$module" \
    "$src"/*.swift "${extra[@]}" -o "$work/fuzz-$target" 2>&1 | { grep -v "Cannot export local symbol" || true; }

jobs=$(($(nproc) > 1 ? $(nproc) - 1 : 1))
cd "$work"
rm -f crash-* timeout-* oom-*
"./fuzz-$target" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=4096 \
    -jobs="$jobs" -workers="$jobs" -print_final_stats=1 corpus 2>&1 | tail -n 40
ls crash-* timeout-* oom-* 2>/dev/null && { echo "fuzzer found problems (see above)"; exit 1; }
echo "no crashes in ${seconds}s"
