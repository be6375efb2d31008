#!/usr/bin/env bash
# Builds scenarios.c (pinsight's own scenario program: what a FOLL_LONGTERM pin holds after
# MADV_DONTNEED, mprotect(PROT_NONE), mremap, munmap, MADV_PAGEOUT + swap-in, and munmap of part of
# a THP) statically against the 6.12 tree's mm/gup_test.h, once, for every kernel it runs on (6.1
# gets the PIN_LONGTERM_TEST ioctls carried in, see build-kernel.sh). Prints the output directory
# (scenarios, scenarios.env). Cached by the source's hash.
#
# usage: build-scenarios.sh
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0;; esac  # the comment above
source "$(dirname "$0")/common.sh"
SRC=$(kernel_tree 6.12)
KEY=$( { tree_version "$SRC"; cat "$KT_SCRIPTS/scenarios.c" "$SRC/mm/gup_test.h" "$0"; } | sha256sum | cut -c1-16)
OUT="$KT_CACHE/scenarios/$KEY"
if [ -f "$OUT/.pinsight-done" ]; then echo "$OUT"; exit 0; fi
rm -rf "$OUT"; mkdir -p "$OUT"
# mm/gup_test.h needs only <linux/types.h> (the host's uapi headers).
gcc -O2 -Wall -Wextra -Werror -static -I "$SRC" -o "$OUT/scenarios" "$KT_SCRIPTS/scenarios.c"
{
  echo "SCENARIOS_SHA256=$(sha256_of "$KT_SCRIPTS/scenarios.c")"
  echo "GUP_TEST_H='mm/gup_test.h of linux-source-6.12 ($(tree_version "$SRC"))'"
} > "$OUT/scenarios.env"
touch "$OUT/.pinsight-done"
echo "$OUT"
