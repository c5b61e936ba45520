#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (see setup.sh) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build --build-tests
# The release tarball test runs Scripts/release.sh; building the release first, on its own,
# keeps that long build from competing with the other tests for the CPU (the test's own run
# of the script is then incremental).
if [ "$(uname -s)" = Linux ] && [ -z "${FLAKELOCK_SKIP_RELEASE_TEST:-}" ]; then
  Scripts/release.sh >/dev/null
fi
# Likewise the Examples/ package, which the library's example test builds and runs.
if [ -z "${FLAKELOCK_SKIP_EXAMPLES_TEST:-}" ]; then
  swift build --package-path Examples --scratch-path .build-examples
fi
# Suites whose checks involve wall time or the order of concurrent requests (connection
# ramp, SYN-retry stalls, speculative fetches racing the walk, one API request per host)
# run after the rest, one test at a time, so a loaded machine cannot make them fail.
load_sensitive='ConnectionReuseTests|GraphPrefetchTests|GitHubWithoutAPITests|TimingsCLITests'
if [ "$#" -eq 0 ]; then
  swift test --skip-build --skip "$load_sensitive"
  swift test --skip-build --filter "$load_sensitive" --no-parallel
else
  swift test --skip-build "$@"
fi
