#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (see setup.sh) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
