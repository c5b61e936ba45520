#!/usr/bin/env bash
# Regenerates the man pages in man/ from the argument definitions, with
# swift-argument-parser's generate-manual plugin (one page per command). Run it after
# changing an option; the help snapshot test checks that every flag a command's help lists
# is in its page. The plugin builds flakelock in release mode (minutes on a slow machine).
#   Scripts/make-man.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift package generate-manual --multi-page
rm -f man/*.1
mkdir -p man
cp .build/plugins/GenerateManual/outputs/flakelock/*.1 man/
ls man
