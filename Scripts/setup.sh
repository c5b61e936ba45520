#!/usr/bin/env bash
# Installs what flakelock needs on Debian 12: the C libraries it links (libgit2, libcurl,
# libarchive), pkg-config, git, openssl, python3 with PyYAML (the workflow checks),
# Debian's nix-bin (Nix 2.8, the test oracle), nginx-core (a real WebDAV server for the
# shared fact cache tests) and mercurial (hg inputs are fetched with the hg command, as Nix
# does).
# Safe to run again: it installs only what is missing. Swift itself must be on PATH.
set -euo pipefail
packages=(libgit2-dev libcurl4-openssl-dev libarchive-dev pkg-config git openssl nix-bin python3 python3-yaml nginx-core mercurial)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (Swift 6.1 or later is needed)" >&2; exit 1; }
