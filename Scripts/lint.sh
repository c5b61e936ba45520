#!/usr/bin/env bash
# Checks the formatting of every Swift file against .swift-format (swift-format ships with
# the Swift toolchain). `Scripts/lint.sh --fix` rewrites the files instead.
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Sources Tests Package.swift Examples Fuzz)
if [ "${1:-}" = "--fix" ]; then
  swift format format -i -r --configuration .swift-format "${paths[@]}"
else
  swift format lint --strict -r --configuration .swift-format "${paths[@]}"
fi
