#!/usr/bin/env bash
# Builds the release tarball dist/flakelock-VERSION-linux-ARCH.tar.gz:
#
#   bin/flakelock                                  release build, Swift runtime linked in
#   share/man/man1/flakelock*.1                    man pages (swift-argument-parser's generate-manual)
#   share/bash-completion/completions/flakelock    shell completions
#   share/zsh/site-functions/_flakelock
#   share/fish/vendor_completions.d/flakelock.fish
#   README.md, LICENSE (when present), RUNTIME-DEPENDENCIES
#
# The Swift standard library and Foundation are linked statically (--static-swift-stdlib):
# the binary runs without a Swift toolchain. libgit2, libcurl and libarchive come from the
# system (Debian 12 packages: libgit2-1.5 libcurl4 libarchive13), so that they get the
# distribution's security updates. VERSION is what `flakelock --version` prints (its one source is
# FlakeLockCommand.version). The script fails if the binary needs any libswift* library.
#
#   Scripts/release.sh            (FLAKELOCK_RELEASE_SCRATCH: build directory, default .build-release)
# Prints the tarball's path on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scratch=${FLAKELOCK_RELEASE_SCRATCH:-$root/.build-release}
Scripts/setup.sh >&2

build=(swift build -c release --static-swift-stdlib --scratch-path "$scratch")
"${build[@]}" --product flakelock >&2
"${build[@]}" --product generate-manual >&2
bin_dir=$("${build[@]}" --show-bin-path)
bin=$bin_dir/flakelock

if ldd "$bin" | grep -q 'libswift'; then
  echo "release: $bin still needs the Swift runtime:" >&2
  ldd "$bin" | grep libswift >&2
  exit 1
fi

version=$("$bin" --version)
arch=$(uname -m)
name=flakelock-$version-linux-$arch
stage=$(mktemp -d "${TMPDIR:-/tmp}/flakelock-release.XXXXXX")
trap 'rm -rf "$stage"' EXIT
pkg=$stage/$name
mkdir -p "$pkg/bin" "$pkg/share/man/man1" "$pkg/share/bash-completion/completions" \
  "$pkg/share/zsh/site-functions" "$pkg/share/fish/vendor_completions.d"
install -m 755 "$bin" "$pkg/bin/flakelock"
strip "$pkg/bin/flakelock" 2>/dev/null || true

"$pkg/bin/flakelock" --generate-completion-script bash >"$pkg/share/bash-completion/completions/flakelock"
"$pkg/bin/flakelock" --generate-completion-script zsh >"$pkg/share/zsh/site-functions/_flakelock"
"$pkg/bin/flakelock" --generate-completion-script fish >"$pkg/share/fish/vendor_completions.d/flakelock.fish"

# Dated by the last commit, so that the same commit gives the same pages.
date=$(git log -1 --format=%cs 2>/dev/null || date -u +%F)
"$bin_dir/generate-manual" "$pkg/bin/flakelock" --multi-page --date "$date" \
  --output-directory "$pkg/share/man/man1" >&2

cp README.md "$pkg/"
[ -f LICENSE ] && cp LICENSE "$pkg/"
cat >"$pkg/RUNTIME-DEPENDENCIES" <<TXT
flakelock $version for Linux $arch, built on Debian 12 (glibc 2.36 or later). The Swift
runtime is linked in; the binary loads these shared libraries from the system:

  libgit2.so.1.5     Debian 12 package: libgit2-1.5
  libcurl.so.4       Debian 12 package: libcurl4
  libarchive.so.13   Debian 12 package: libarchive13
  libstdc++.so.6     Debian 12 package: libstdc++6 (installed on every Debian system)
  git                (the program) for git+ssh inputs and 'diff' on Git revisions

  apt-get install libgit2-1.5 libcurl4 libarchive13 libstdc++6 git

Where another libgit2 soname is installed (e.g. Ubuntu 24.04's libgit2-1.7), build from
source instead (see README.md).

Install: tar -xzf $name.tar.gz && sudo cp -r $name/bin $name/share /usr/local/

Linked libraries of bin/flakelock, as built:
$(ldd "$bin" | sed 's/ (0x[0-9a-f]*)//; s/^/  /')
TXT

mkdir -p dist
tarball=$root/dist/$name.tar.gz
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="$date 00:00Z" -czf "$tarball" "$name"
echo "$tarball"
