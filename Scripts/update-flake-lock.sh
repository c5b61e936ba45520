#!/usr/bin/env bash
# Updates flake.lock with flakelock, commits it on a branch, pushes the branch and opens (or
# updates) a GitHub pull request whose body is `flakelock diff --format markdown`. This is
# what the GitHub Action in action.yml runs; it works from any Git checkout.
#
# Settings (environment variables; the action maps its inputs to these):
#   FLAKELOCK         the flakelock executable; if unset, the release tarball at FLAKELOCK_URL
#                     is downloaded (default URL: the release of GITHUB_ACTION_REPOSITORY
#                     tagged GITHUB_ACTION_REF, vX.Y.Z), else flakelock on PATH is used
#   FLAKELOCK_URL     a flakelock release tarball (.tar.gz) to download and use
#   GITHUB_ACTION_REPOSITORY, GITHUB_ACTION_REF
#                     set by the action: where its release tarball is (see FLAKELOCK)
#   FLAKE_DIR         the flake's directory inside the checkout (default: .)
#   INPUTS            input names to update, separated by spaces (default: all inputs)
#   BRANCH            the pull request's branch (default: update_flake_lock_action)
#   BASE              the branch to merge into (default: the branch checked out now)
#   GIT_REMOTE        the remote to push to (default: origin)
#   COMMIT_MESSAGE    first line of the commit (default: "flake.lock: Update")
#   PR_TITLE          the pull request's title (default: COMMIT_MESSAGE)
#   GITHUB_TOKEN      token for the REST API (required to open a pull request; never printed)
#   GITHUB_API_URL    the REST API (default: https://api.github.com)
#   GITHUB_REPOSITORY owner/name of the repository (required to open a pull request)
#   GITHUB_OUTPUT     if set, receives pull-request-number, pull-request-url, changed
#   NO_PULL_REQUEST   set to 1 to commit and push without calling the API
# Exit status: 0 when flake.lock is up to date or the pull request is open; 1 on errors.
set -euo pipefail

branch=${BRANCH:-update_flake_lock_action}
remote=${GIT_REMOTE:-origin}
message=${COMMIT_MESSAGE:-flake.lock: Update}
title=${PR_TITLE:-$message}
api=${GITHUB_API_URL:-https://api.github.com}
api=${api%/}

fail() { echo "update-flake-lock: $*" >&2; exit 1; }
output() { if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1=$2" >>"$GITHUB_OUTPUT"; fi; }

cd "${FLAKE_DIR:-.}" || fail "no flake directory '${FLAKE_DIR:-.}'"
flake_dir=$PWD
[ -f flake.nix ] || fail "no flake.nix in '$flake_dir'"
top=$(git rev-parse --show-toplevel 2>/dev/null) || fail "'$flake_dir' is not inside a Git work tree"
base=${BASE:-$(git -C "$top" symbolic-ref --short -q HEAD || true)}
[ -n "$base" ] || fail "HEAD is detached: set BASE to the branch the pull request targets"

work=$(mktemp -d "${TMPDIR:-/tmp}/update-flake-lock.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ -f flake.lock ]; then
  cp flake.lock "$work/old.lock"
else
  printf '{\n  "nodes": {\n    "root": {}\n  },\n  "root": "root",\n  "version": 7\n}\n' >"$work/old.lock"
fi

flakelock=${FLAKELOCK:-}
url=${FLAKELOCK_URL:-}
if [ -z "$flakelock" ] && [ -z "$url" ] && [[ ${GITHUB_ACTION_REF:-} == v[0-9]* ]]; then
  url=https://github.com/$GITHUB_ACTION_REPOSITORY/releases/download/$GITHUB_ACTION_REF/flakelock-${GITHUB_ACTION_REF#v}-linux-$(uname -m).tar.gz
fi
if [ -z "$flakelock" ] && [ -n "$url" ]; then
  mkdir "$work/flakelock"
  curl -sSfL "$url" | tar -xz -C "$work/flakelock" --strip-components=1 || fail "cannot download flakelock from $url"
  flakelock=$work/flakelock/bin/flakelock
fi
flakelock=${flakelock:-flakelock}
command -v "$flakelock" >/dev/null || fail "flakelock not found (set FLAKELOCK or FLAKELOCK_URL)"

read -r -a names <<<"${INPUTS:-}"
"$flakelock" update ${names[@]+"${names[@]}"}

if cmp -s "$work/old.lock" flake.lock; then
  echo "update-flake-lock: flake.lock is up to date" >&2
  output changed false
  exit 0
fi
output changed true
"$flakelock" diff "$work/old.lock" flake.lock --format markdown >"$work/body.md"
"$flakelock" diff "$work/old.lock" flake.lock >"$work/changes.txt"

git -C "$top" checkout -q -B "$branch"
git add -- flake.lock
git -c user.name="${GIT_AUTHOR_NAME:-github-actions[bot]}" \
  -c user.email="${GIT_AUTHOR_EMAIL:-41898282+github-actions[bot]@users.noreply.github.com}" \
  commit -q -m "$message" -m "Flake lock file updates:" -m "$(cat "$work/changes.txt")" -- flake.lock
git -C "$top" push -q --force "$remote" "HEAD:refs/heads/$branch"
echo "update-flake-lock: pushed $(git -C "$top" rev-parse HEAD) to $remote $branch" >&2

if [ "${NO_PULL_REQUEST:-}" = 1 ]; then exit 0; fi
[ -n "${GITHUB_TOKEN:-}" ] || fail "GITHUB_TOKEN is not set: cannot open a pull request"
[ -n "${GITHUB_REPOSITORY:-}" ] || fail "GITHUB_REPOSITORY (owner/name) is not set"
owner=${GITHUB_REPOSITORY%%/*}

# The token goes to curl in a header file, never on a command line or in the output.
umask 077
printf 'Authorization: Bearer %s\nAccept: application/vnd.github+json\nX-GitHub-Api-Version: 2022-11-28\n' \
  "$GITHUB_TOKEN" >"$work/headers"
call() {  # METHOD PATH [JSON-FILE]: prints the response body, fails on HTTP errors
  local args=(-sS --fail-with-body -X "$1" -H @"$work/headers" "$api$2")
  [ $# -lt 3 ] || args+=(-H "Content-Type: application/json" --data-binary @"$3")
  curl "${args[@]}" || fail "$1 $api$2 failed"
}
json() {  # builds the request body from the title, branch names and body.md
  python3 - "$@" <<'PY'
import json, sys
title, head, base, body_file = sys.argv[1:5]
req = {"title": title, "body": open(body_file, encoding="utf-8").read()}
if head:
    req.update(head=head, base=base)
print(json.dumps(req))
PY
}
field() {  # NAME: the field of the JSON object on stdin, or of the first in a list ("" if none)
  python3 -c 'import json,sys; d=json.load(sys.stdin); d=(d[0] if d else {}) if isinstance(d,list) else d; print(d.get(sys.argv[1],""))' "$1"
}

open_prs=$(call GET "/repos/$GITHUB_REPOSITORY/pulls?state=open&head=$owner:$branch&base=$base")
number=$(field number <<<"$open_prs")
if [ -n "$number" ]; then
  json "$title" "" "" "$work/body.md" >"$work/request.json"
  response=$(call PATCH "/repos/$GITHUB_REPOSITORY/pulls/$number" "$work/request.json")
  echo "update-flake-lock: updated pull request #$number" >&2
else
  json "$title" "$branch" "$base" "$work/body.md" >"$work/request.json"
  response=$(call POST "/repos/$GITHUB_REPOSITORY/pulls" "$work/request.json")
  number=$(field number <<<"$response")
  echo "update-flake-lock: opened pull request #$number" >&2
fi
output pull-request-number "$number"
output pull-request-url "$(field html_url <<<"$response")"
