#!/usr/bin/env bash
# Fuzzes the NixSyntax parser and flake reader with libFuzzer; same as
# `Scripts/fuzz.sh nixsyntax [seconds]` (see there).
exec "$(dirname "$0")/fuzz.sh" nixsyntax "${1:-60}"
