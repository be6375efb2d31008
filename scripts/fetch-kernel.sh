#!/usr/bin/env bash
# Fetch Debian's full kernel source trees into a cache, for benchmarks, corpus tests and
# the kernel-truth runs. Kernel source is never committed to this project.
#
# usage: scripts/fetch-kernel.sh [5.10|6.1|6.12|7.2|7.3 ...]     (default: 6.1 6.12)
#        scripts/fetch-kernel.sh --list      versions and Debian package versions on offer
# cache: $PINSIGHT_CACHE (default ~/.cache/pinsight)/kernels/linux-source-V/
# prints the path of each unpacked tree, one per line.
#
# Where each version lives in Debian: 5.10 bullseye-security, 6.1 and 6.12 bookworm (6.12 also
# bookworm-security), 7.2 forky, 7.3 trixie-backports. The machine's own apt sources are tried
# first (that is all 6.1 and 6.12 need); any version they lack is looked up with a private apt
# state in a temporary directory, built from the Debian archive addresses the machine already
# uses, so the machine's apt configuration and lists are never touched by it.
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0;; esac  # the comment above
CACHE=${PINSIGHT_CACHE:-$HOME/.cache/pinsight}
KNOWN="5.10 6.1 6.12 7.2 7.3"

# Private apt state, made on first use (lazily: 6.1 and 6.12 normally never need it).
state=""
apt_opts=()
cleanup() { [ -z "$state" ] || rm -rf "$state"; }
trap cleanup EXIT
private_apt() {
  [ -z "$state" ] || return 0
  state=$(mktemp -d)
  local uris main sec key=/usr/share/keyrings/debian-archive-keyring.gpg
  uris=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ {print $2}'; \
         { grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } \
           | awk '{for(i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; break}}')
  main=$(printf '%s\n' $uris | grep -v security | head -1 || true)
  sec=$(printf '%s\n' $uris | grep security | head -1 || true)
  [ -n "$main" ] || main=http://deb.debian.org/debian
  [ -n "$sec" ] || sec=http://deb.debian.org/debian-security
  [ -f "$key" ] || { echo "fetch-kernel: $key is missing (apt-get install debian-archive-keyring)" >&2; exit 2; }
  { for s in bookworm forky trixie-backports; do echo "deb [signed-by=$key] $main $s main"; done
    for s in bullseye-security bookworm-security; do echo "deb [signed-by=$key] $sec $s main"; done; } > "$state/sources.list"
  mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/none"
  apt_opts=(-o Dir::Etc::SourceList="$state/sources.list" -o Dir::Etc::SourceParts="$state/none"
            -o Dir::State::Lists="$state/lists" -o Dir::Cache="$state/cache"
            -o Dir::Etc::Preferences="$state/none" -o Dir::Etc::PreferencesParts="$state/none")
  apt-get "${apt_opts[@]}" update -qq >/dev/null 2>&1 || apt-get "${apt_opts[@]}" update >&2
}

if [ "${1:-}" = --list ]; then
  private_apt
  apt-cache "${apt_opts[@]}" search --names-only '^linux-source-[0-9.]+$' 2>/dev/null | awk '{print $1}' | sort -V | while read -r p; do
    printf '%-8s %s\n' "${p#linux-source-}" "$(apt-cache "${apt_opts[@]}" policy "$p" 2>/dev/null | awk '/Candidate/ {print $2}')"
  done
  exit 0
fi

versions=("$@"); [ ${#versions[@]} -gt 0 ] || versions=(6.1 6.12)
for v in "${versions[@]}"; do
  case " $KNOWN " in *" $v "*) ;; *) echo "fetch-kernel: unknown version '$v' (known: ${KNOWN// /, })" >&2; exit 2;; esac
done
mkdir -p "$CACHE/kernels"
for v in "${versions[@]}"; do
  tree="$CACHE/kernels/linux-source-$v"
  if [ -f "$tree/Makefile" ] && [ -f "$tree/.pinsight-complete" ]; then echo "$tree"; continue; fi
  work=$(mktemp -d "$CACHE/kernels/.fetch-$v.XXXXXX")
  # No subshell: private_apt's state must stay visible to the EXIT trap that removes it.
  if ! (cd "$work" && apt-get download "linux-source-$v") >/dev/null 2>&1; then
    case "$v" in 6.1|6.12) apt-get update -qq >/dev/null 2>&1 || true
                           (cd "$work" && apt-get download "linux-source-$v") >/dev/null 2>&1 || true;; esac
  fi
  if ! ls "$work"/linux-source-"$v"_*.deb >/dev/null 2>&1; then
    private_apt
    (cd "$work" && apt-get "${apt_opts[@]}" download "linux-source-$v") >/dev/null
  fi
  dpkg -x "$work"/linux-source-"$v"_*.deb "$work/x" >&2
  tar xJf "$work/x/usr/src/linux-source-$v.tar.xz" -C "$work" >&2
  rm -rf "$tree"
  mv "$work/linux-source-$v" "$tree"
  rm -rf "$work"
  touch "$tree/.pinsight-complete"
  echo "$tree"
done
