#!/usr/bin/env bash
# Boots a kernel-truth kernel with its initramfs under qemu's software emulation (TCG: the /dev/kvm
# here cannot run unmodified kernels) and writes the serial console to LOG. The guest's /init runs
# the selftests and powers off; a timeout stops a guest that hangs.
#
# usage: boot.sh BZIMAGE INITRAMFS LOG [--huge-1g]
#   --huge-1g: 8 GiB of guest memory and two 1 GiB hugetlb pages reserved at boot (with 4 GiB the
#              1 GiB pages silently fail to allocate); takes minutes instead of seconds under TCG.
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0;; esac  # the comment above
source "$(dirname "$0")/common.sh"
BZIMAGE=${1:?usage: boot.sh BZIMAGE INITRAMFS LOG [--huge-1g]}
INITRD=${2:?initramfs}
LOG=${3:?log file}
MEM=2G
HUGE="hugepagesz=2M"
TIMEOUT=300
if [ "${4:-}" = --huge-1g ]; then MEM=8G; HUGE="hugepagesz=1G hugepages=2 hugepagesz=2M"; TIMEOUT=2400; fi   # 600-1000 s measured here under load
APPEND="console=ttyS0 loglevel=4 panic=-1 $HUGE"
cmd=(qemu-system-x86_64 -accel tcg,thread=multi -cpu max -m "$MEM" -smp 2 -kernel "$BZIMAGE" -initrd "$INITRD"
     -nographic -monitor none -no-reboot -append "$APPEND")
echo "PINSIGHT-QEMU ${cmd[*]}" > "$LOG"
timeout "$TIMEOUT" "${cmd[@]}" < /dev/null >> "$LOG" 2>&1 || log "qemu exited with status $? (see $LOG)"
grep -q 'PINSIGHT-DONE' <(tr -d '\r' < "$LOG") || die "the guest did not finish its run (see $LOG)"
