#!/usr/bin/env bash
# Builds a minimal x86-64 kernel (tinyconfig + kernel.config) from Debian's linux-source-V tree,
# out of tree, and prints its build directory (bzImage, .config, usr/include, usr/gen_init_cpio).
# Cached by a hash of the configuration fragment, the source version and (5.10, 6.1) the carried harness:
# a second call with the same inputs prints the cached directory at once. Bump RECIPE when a change
# to this script must invalidate existing builds.
# For 6.1, the PIN_LONGTERM_TEST harness is carried over from the 6.12 tree into a scratch copy
# first (carry-harness.mjs); for 5.10, which has no mm/gup_test.c, 6.1's gup_test.[ch] with that
# port become new files in a scratch copy of 5.10. The trees themselves are never changed.
#
# usage: build-kernel.sh 5.10|6.1|6.12|7.3
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0;; esac  # the comment above
source "$(dirname "$0")/common.sh"
V=${1:-}
case "$V" in 5.10|6.1|6.12|7.3) ;; *) die "usage: build-kernel.sh 5.10|6.1|6.12|7.3";; esac

SRC=$(kernel_tree "$V")
SRCVER=$(tree_version "$SRC")
RECIPE=1
inputs=("$KT_SCRIPTS/kernel.config")
if [ "$V" = 6.1 ] || [ "$V" = 5.10 ]; then
  SRC612=$(kernel_tree 6.12)
  inputs+=("$KT_SCRIPTS/carry-harness.mjs" "$SRC612/mm/gup_test.c" "$SRC612/mm/gup_test.h")
fi
if [ "$V" = 5.10 ]; then
  SRC61=$(kernel_tree 6.1)
  inputs+=("$SRC61/mm/gup_test.c" "$SRC61/mm/gup_test.h" "$SRC61/mm/Kconfig")
fi
KEY=$( { echo "$SRCVER recipe $RECIPE"; cat "${inputs[@]}"; } | sha256sum | cut -c1-16)
OUT="$KT_CACHE/build/linux-$SRCVER-$KEY"
if [ -f "$OUT/.pinsight-done" ]; then echo "$OUT"; exit 0; fi

rm -rf "$OUT"; mkdir -p "$OUT"
if [ "$V" = 6.1 ]; then
  SCRATCH="$KT_CACHE/src/linux-$SRCVER-harness-$KEY"
  node "$KT_SCRIPTS/carry-harness.mjs" "$SRC" "$SRC612" "$SCRATCH"
  SRC=$SCRATCH
elif [ "$V" = 5.10 ]; then
  SCRATCH="$KT_CACHE/src/linux-$SRCVER-harness-$KEY"
  node "$KT_SCRIPTS/carry-harness.mjs" --into-5.10 "$SRC" "$SRC61" "$SRC612" "$SCRATCH"
  SRC=$SCRATCH
fi

start=$(date +%s)
mk() { make -C "$SRC" O="$OUT" ARCH=x86_64 "$@"; }
mk tinyconfig >/dev/null
args=()
while read -r verb name value _; do
  case "$verb" in
    ''|\#*) continue;;
    enable|disable) args+=("--$verb" "$name");;
    set-val) args+=(--set-val "$name" "$value");;
    *) die "kernel.config: unknown directive '$verb'";;
  esac
done < "$KT_SCRIPTS/kernel.config"
"$SRC/scripts/config" --file "$OUT/.config" "${args[@]}"
mk olddefconfig >/dev/null
# The options the selftests cannot do without must have survived olddefconfig's dependency rules.
for name in $(awk '$1=="enable" && /# required/ {print $2}' "$KT_SCRIPTS/kernel.config"); do
  grep -q "^CONFIG_$name=y" "$OUT/.config" || die "CONFIG_$name did not survive olddefconfig ($V)"
done
log "building linux $SRCVER in $OUT (make -j$JOBS; 2 minutes alone, 12-15 when two builds share 2 cores)"
mk -j"$JOBS" bzImage > "$OUT/build.log" 2>&1 || { tail -n 30 "$OUT/build.log" >&2; die "kernel build failed ($V)"; }
mk headers >> "$OUT/build.log" 2>&1 || die "make headers failed ($V)"
release=$(cat "$OUT/include/config/kernel.release")
{
  echo "KERNEL_RELEASE=$release"
  echo "CONFIG_SHA256=$(sha256_of "$OUT/.config")"
  echo "BUILD_KEY=$KEY"
  echo "BUILD_SECONDS=$(( $(date +%s) - start ))"
  if [ "$V" = 5.10 ]; then
    echo "HARNESS='mm/gup_test.[ch] of linux-source-6.1 ($(tree_version "$SRC61")) as new files with its GUP_TEST Kconfig entry and Makefile line, PIN_LONGTERM_TEST ioctls carried over from linux-source-6.12 ($(tree_version "$SRC612")); is_longterm_pinnable_page() -> is_migrate_cma_page(), kmap_local_page()/kunmap_local() -> kmap()/kunmap()'"
  elif [ "$V" = 6.1 ]; then
    echo "HARNESS='PIN_LONGTERM_TEST ioctls carried over from linux-source-6.12 ($(tree_version "$SRC612")) mm/gup_test.[ch]'"
  fi
} > "$OUT/pinsight-build.env"
touch "$OUT/.pinsight-done"
log "built linux $release in $(( $(date +%s) - start )) s"
echo "$OUT"
