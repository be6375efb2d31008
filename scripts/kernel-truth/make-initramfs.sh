#!/usr/bin/env bash
# Packs the kernel-truth initramfs: busybox-static, init.sh as /init, the statically linked
# selftests (/cow, /gup_longterm), pinsight's scenario program (/scenarios, when SCENARIOS_DIR is given) and an empty ext4 image made on the host (/ext4.img; the guest
# copies it onto /dev/ram1). Uses the kernel build's own usr/gen_init_cpio (no root, no staging dir).
#
# usage: make-initramfs.sh KERNEL_BUILD_DIR SELFTEST_DIR OUT.cpio.gz [SCENARIOS_DIR]
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0;; esac  # the comment above
source "$(dirname "$0")/common.sh"
KBUILD=${1:?usage: make-initramfs.sh KERNEL_BUILD_DIR SELFTEST_DIR OUT.cpio.gz}
BIN=${2:?selftest dir}
OUT=${3:?output file}
SCEN=${4:-}
[ -z "$SCEN" ] || [ -x "$SCEN/scenarios" ] || die "$SCEN/scenarios missing (build-scenarios.sh)"
[ -x "$KBUILD/usr/gen_init_cpio" ] || die "$KBUILD/usr/gen_init_cpio missing (kernel not built?)"
BUSYBOX=$(command -v busybox) || die "busybox not installed (scripts/kernel-truth/install.sh)"
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' || [ ! -x /usr/bin/file ] || die "$BUSYBOX is not static (install busybox-static)"
work=$(mktemp -d "$KT_CACHE/.initramfs.XXXXXX")
trap 'rm -rf "$work"' EXIT
# 64 MiB of ext4 fits /dev/ram1 (BLK_DEV_RAM_SIZE = 128 MiB); the zeros compress to almost nothing.
mkfs.ext4 -q -F -L pinsight "$work/ext4.img" 64M
cat > "$work/spec" <<SPEC
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /tmp 1777 0 0
dir /mnt 0755 0 0
dir /bin 0755 0 0
file /bin/busybox $BUSYBOX 0755 0 0
slink /bin/sh busybox 0777 0 0
file /init $KT_SCRIPTS/init.sh 0755 0 0
file /cow $BIN/cow 0755 0 0
file /gup_longterm $BIN/gup_longterm 0755 0 0
file /ext4.img $work/ext4.img 0644 0 0
SPEC
[ -z "$SCEN" ] || echo "file /scenarios $SCEN/scenarios 0755 0 0" >> "$work/spec"
"$KBUILD/usr/gen_init_cpio" "$work/spec" | gzip -1 > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "$OUT"
