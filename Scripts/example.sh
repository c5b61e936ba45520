#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (see setup.sh), builds flakelock and locks the bundled
# example flake (TestFlakes/example) offline: its inputs are git repositories and
# directories created here from fixtures. Then shows the lock, the metadata tree, a no-op
# re-lock, an update after an upstream commit, and an audit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
Scripts/setup.sh
swift build -c release --product flakelock
bin=$root/.build/release/flakelock

work=$(mktemp -d "${TMPDIR:-/tmp}/flakelock-example.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_CACHE_HOME="$work/cache" XDG_CONFIG_HOME="$work/config"
export NIX_CONFIG="flake-registry ="  # no global registry: nothing leaves this machine
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=example GIT_AUTHOR_EMAIL=example@example.org
export GIT_COMMITTER_NAME=example GIT_COMMITTER_EMAIL=example@example.org
export GIT_AUTHOR_DATE="2024-01-01T00:00:00Z" GIT_COMMITTER_DATE="2024-01-01T00:00:00Z"
mkdir -p "$HOME"

subst() { sed "s|@WORK@|$work|g" "$1" > "$2"; }
for repo in utils lib; do
  mkdir -p "$work/repos/$repo"
  subst "TestFlakes/example/repos/$repo/flake.nix" "$work/repos/$repo/flake.nix"
  git -C "$work/repos/$repo" init -q -b main
  git -C "$work/repos/$repo" add -A
  git -C "$work/repos/$repo" commit -q -m "initial $repo"
done
cp -r TestFlakes/example/paths "$work/paths"
mkdir -p "$work/top"
cp -r TestFlakes/example/top/sub "$work/top/sub"
subst TestFlakes/example/top/flake.nix.in "$work/top/flake.nix"
cd "$work/top"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
step "$bin" lock
step cat flake.lock
step "$bin" metadata
step "$bin" lock          # nothing changed upstream: no output, flake.lock untouched
echo "# upstream utils gets a new commit"
echo "# a change" >> "$work/repos/utils/flake.nix"
GIT_COMMITTER_DATE="2024-02-01T00:00:00Z" GIT_AUTHOR_DATE="2024-02-01T00:00:00Z" \
  git -C "$work/repos/utils" commit -q -am "utils: second commit"
step "$bin" update --dry-run utils
step "$bin" update utils
step "$bin" why utils
step "$bin" audit || true
