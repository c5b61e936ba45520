#!/usr/bin/env bash
# Runs flakelock's benchmarks against Debian's Nix 2.8 and prints their figures (see
# BENCHMARKS.md for what each measures). Builds release binaries with the Swift runtime
# linked statically (as a distributed flakelock would be) into .build-bench.
#   Scripts/bench.sh [hash|lock|tree|prefetch|recursive|public|all] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
runs=${2:-5}
Scripts/setup.sh
command -v /usr/bin/time >/dev/null || { apt-get install -y -q time >/dev/null; }
swift build -c release --static-swift-stdlib --scratch-path .build-bench --product flakelock >/dev/null
swift build -c release --static-swift-stdlib --scratch-path .build-bench --product flakelock-bench >/dev/null
bench=.build-bench/release/flakelock-bench
case $what in
  hash|all) FLAKELOCK=.build-bench/release/flakelock Scripts/bench-hash.sh "$runs" ;;&
  lock|all) echo; "$bench" lock --runs "$runs" ;;&
  tree|all) echo; "$bench" tree --runs "$runs" ;;&
  prefetch|all) echo; "$bench" prefetch --runs "$(( runs < 3 ? runs : 3 ))" ;;&
  recursive|all) echo; "$bench" recursive --runs "${2:-3}" ;;&
  public|all) echo; "$bench" public --runs "${2:-3}" ;;
esac
