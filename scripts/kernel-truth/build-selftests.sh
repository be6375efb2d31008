#!/usr/bin/env bash
# Builds the 6.12 tree's tools/testing/selftests/mm/cow.c and gup_longterm.c statically, once,
# for both kernels (the same binaries run on 6.1 and 6.12). Prints the output directory
# (cow, gup_longterm, selftests.env). Cached by the selftest sources' hash.
#
# usage: build-selftests.sh KERNEL_BUILD_DIR_6_12      (its usr/include holds the uapi headers)
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0;; esac  # the comment above
source "$(dirname "$0")/common.sh"
KBUILD=${1:?usage: build-selftests.sh KERNEL_BUILD_DIR_6_12}
[ -d "$KBUILD/usr/include/linux" ] || die "$KBUILD/usr/include missing (make headers)"
SRC=$(kernel_tree 6.12)
MM="$SRC/tools/testing/selftests/mm"
sources=(cow.c gup_longterm.c vm_util.c vm_util.h thp_settings.c thp_settings.h ../kselftest.h ../../../../mm/gup_test.h)
KEY=$( { tree_version "$SRC"; (cd "$MM" && cat "${sources[@]}"); cat "$0"; } | sha256sum | cut -c1-16)
OUT="$KT_CACHE/selftests/$(tree_version "$SRC")-$KEY"
if [ -f "$OUT/.pinsight-done" ]; then echo "$OUT"; exit 0; fi
rm -rf "$OUT"; mkdir -p "$OUT"
# The selftests' Makefile generates local_config.h; here liburing is known to be there.
echo '#define LOCAL_CONFIG_HAVE_LIBURING 1' > "$OUT/local_config.h"
# Compile from inside the selftest folder with relative file names: gup_longterm.c builds its
# "local tmpfile" name from __FILE__, which must be a plain name to land in the guest's cwd.
cc() {
  local name=$1; shift
  (cd "$MM" && gcc -O2 -Wall -static -I "$OUT" -I "$SRC" -isystem "$KBUILD/usr/include" \
     -isystem "$SRC/tools/include/uapi" -o "$OUT/$name" "$@" vm_util.c thp_settings.c -luring -lrt -lpthread -lm)
}
cc cow cow.c
cc gup_longterm gup_longterm.c
cow_sha=$(sha256_of "$MM/cow.c"); gl_sha=$(sha256_of "$MM/gup_longterm.c")
{
  echo "SELFTEST_TREE='linux-source-6.12 ($(tree_version "$SRC"))'"
  echo "COW_SHA256=$cow_sha"
  echo "GUP_LONGTERM_SHA256=$gl_sha"
} > "$OUT/selftests.env"
touch "$OUT/.pinsight-done"
echo "$OUT"
