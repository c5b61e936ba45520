#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (see setup.sh), builds flakelock and runs it on a
# bundled example from TestFlakes.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build -c release --product flakelock
bin=.build/release/flakelock
echo "\$ flakelock hash path TestFlakes/hash-example"
"$bin" hash path TestFlakes/hash-example
echo "\$ flakelock hash path --json TestFlakes/hash-example"
"$bin" hash path --json TestFlakes/hash-example
