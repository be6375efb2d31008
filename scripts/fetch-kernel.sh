#!/usr/bin/env bash
# Fetch Debian's full kernel source trees into a cache, for benchmarks, corpus tests and
# the kernel-truth runs. Kernel source is never committed to this project.
#
# usage: scripts/fetch-kernel.sh [6.1|6.12 ...]     (default: 6.1 6.12)
# cache: $PINSIGHT_CACHE (default ~/.cache/pinsight)/kernels/linux-source-V/
# prints the path of each unpacked tree, one per line.
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0;; esac  # the comment above
CACHE=${PINSIGHT_CACHE:-$HOME/.cache/pinsight}
versions=("$@"); [ ${#versions[@]} -gt 0 ] || versions=(6.1 6.12)
mkdir -p "$CACHE/kernels"
for v in "${versions[@]}"; do
  case "$v" in 6.1|6.12) ;; *) echo "fetch-kernel: unknown version '$v' (known: 6.1, 6.12)" >&2; exit 2;; esac
  tree="$CACHE/kernels/linux-source-$v"
  if [ -f "$tree/Makefile" ] && [ -f "$tree/.pinsight-complete" ]; then echo "$tree"; continue; fi
  work=$(mktemp -d "$CACHE/kernels/.fetch-$v.XXXXXX")
  (
    cd "$work"
    if ! apt-get download "linux-source-$v" >/dev/null 2>&1; then
      apt-get update -qq >/dev/null 2>&1 || true
      apt-get download "linux-source-$v" >/dev/null
    fi
    dpkg -x linux-source-"$v"_*.deb x
    tar xJf "x/usr/src/linux-source-$v.tar.xz"
  ) >&2
  rm -rf "$tree"
  mv "$work/linux-source-$v" "$tree"
  rm -rf "$work"
  touch "$tree/.pinsight-complete"
  echo "$tree"
done
