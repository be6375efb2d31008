#!/usr/bin/env bash
# Builds tools/testing/selftests/mm/cow.c and gup_longterm.c of one kernel tree statically, once,
# for every kernel they run on: 6.12's selftests run on 5.10, 6.1 and 6.12; 7.3's on 7.3 (its
# result lines carry the test names). Prints the output directory (cow, gup_longterm,
# selftests.env). Cached by the selftest sources' hash.
# The uapi headers are the tree's own (`make headers` needs no configuration or kernel build).
#
# usage: build-selftests.sh [6.12|7.3]          (default 6.12)
#        build-selftests.sh KERNEL_BUILD_DIR     (6.12's, with that kernel build's usr/include, as before)
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0;; esac  # the comment above
source "$(dirname "$0")/common.sh"
HDR=""
if [ -d "${1:-}" ]; then
  [ -d "$1/usr/include/linux" ] || die "$1/usr/include missing (make headers)"
  TV=6.12; HDR="$1/usr/include"
else
  TV=${1:-6.12}
fi
case "$TV" in 6.12|7.3) ;; *) die "usage: build-selftests.sh [6.12|7.3] | KERNEL_BUILD_DIR";; esac
SRC=$(kernel_tree "$TV")
MM="$SRC/tools/testing/selftests/mm"
# 7.x: thp_settings.[ch] became hugepage_settings.[ch], local_config.h is local_config.h_gen and
# kselftest.h is included by name (-I tools/testing/selftests).
if [ -f "$MM/hugepage_settings.c" ]; then settings=hugepage_settings; config_h=local_config.h_gen
else settings=thp_settings; config_h=local_config.h; fi
sources=(cow.c gup_longterm.c vm_util.c vm_util.h "$settings.c" "$settings.h" ../kselftest.h ../../../../mm/gup_test.h)
KEY=$( { tree_version "$SRC"; echo "headers ${HDR:-of the tree}"; (cd "$MM" && cat "${sources[@]}"); cat "$0"; } | sha256sum | cut -c1-16)
OUT="$KT_CACHE/selftests/$(tree_version "$SRC")-$KEY"
if [ -f "$OUT/.pinsight-done" ]; then echo "$OUT"; exit 0; fi
rm -rf "$OUT"; mkdir -p "$OUT"
if [ -z "$HDR" ]; then
  make -C "$SRC" O="$OUT/hdr" ARCH=x86_64 headers > "$OUT/headers.log" 2>&1 || { tail -n 20 "$OUT/headers.log" >&2; die "make headers failed ($TV)"; }
  HDR="$OUT/hdr/usr/include"
fi
# The selftests' Makefile generates the local config header; here liburing is known to be there.
echo '#define LOCAL_CONFIG_HAVE_LIBURING 1' > "$OUT/$config_h"
# Compile from inside the selftest folder with relative file names: gup_longterm.c builds its
# "local tmpfile" name from __FILE__, which must be a plain name to land in the guest's cwd.
cc() {
  local name=$1; shift
  (cd "$MM" && gcc -O2 -Wall -static -I "$OUT" -I "$SRC/tools/testing/selftests" -I "$SRC" \
     -isystem "$HDR" -isystem "$SRC/tools/include/uapi" -o "$OUT/$name" "$@" \
     vm_util.c "$settings.c" -luring -lrt -lpthread -lm)
}
cc cow cow.c
cc gup_longterm gup_longterm.c
cow_sha=$(sha256_of "$MM/cow.c"); gl_sha=$(sha256_of "$MM/gup_longterm.c")
{
  echo "SELFTEST_TREE='linux-source-$TV ($(tree_version "$SRC"))'"
  echo "COW_SHA256=$cow_sha"
  echo "GUP_LONGTERM_SHA256=$gl_sha"
} > "$OUT/selftests.env"
touch "$OUT/.pinsight-done"
echo "$OUT"
