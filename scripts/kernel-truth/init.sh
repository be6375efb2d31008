#!/bin/busybox sh
# /init of the kernel-truth initramfs (runs inside the qemu guest, busybox only).
# Prepares what the selftests need, runs cow, gup_longterm and (if present) pinsight's scenarios with their output straight to the
# console (they fork: a pipe would risk doubled lines from stdio buffers), brackets each run
# with PINSIGHT-BEGIN/END markers for the host, and powers off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug       # /sys/kernel/debug/gup_test
mount -t tmpfs tmpfs /tmp                         # glibc's tmpfile() lives in /tmp
# cow.c's hugetlb tests need two free pages per size (one to map, one for the COW copy);
# 1 GiB pages can only be reserved at boot, so they come from the kernel command line.
[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] && echo 16 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
# Swap, so that the "swapped-out" variants run instead of skipping (MADV_PAGEOUT).
mkswap /dev/ram0 >/dev/null && swapon /dev/ram0
# A regular-file filesystem that needs dirty tracking (ext4, made on the host with mkfs.ext4):
# gup_longterm.c creates its "local tmpfile" in the current directory.
mkdir -p /mnt/ext4
dd if=/ext4.img of=/dev/ram1 bs=1M 2>/dev/null && rm -f /ext4.img && mount -t ext4 /dev/ram1 /mnt/ext4

info() { echo "PINSIGHT-INFO $*"; }
info "uname-r $(uname -r)"
info "cmdline $(cat /proc/cmdline)"
for d in /sys/kernel/mm/hugepages/hugepages-*; do
  [ -d "$d" ] && info "hugetlb ${d##*hugepages-} nr $(cat "$d/nr_hugepages") free $(cat "$d/free_hugepages")"
done
info "thp enabled $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)"
info "swap $(grep -c ram0 /proc/swaps) device(s)"
info "fs-magic /tmp $(stat -f -c %t /tmp)"
info "fs-magic /mnt/ext4 $(stat -f -c %t /mnt/ext4)"

echo "PINSIGHT-BEGIN cow"
/cow
echo "PINSIGHT-END cow rc=$?"
cd /mnt/ext4
echo "PINSIGHT-BEGIN gup_longterm cwd=/mnt/ext4 tmpdir=/tmp"
/gup_longterm
echo "PINSIGHT-END gup_longterm rc=$?"
cd /
# pinsight's own scenario program (scenarios.c), when the initramfs has it.
if [ -x /scenarios ]; then
  echo "PINSIGHT-BEGIN scenarios"
  /scenarios
  echo "PINSIGHT-END scenarios rc=$?"
fi
umount /mnt/ext4 2>/dev/null
echo "PINSIGHT-DONE"
reboot -f
