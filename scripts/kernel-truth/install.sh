#!/usr/bin/env bash
# Installs the Debian packages the kernel-truth runs need (idempotent: installs only what is missing).
#   qemu-system-x86: the guest (TCG)    flex bison bc libelf-dev libssl-dev: building the kernels
#   cpio: kernel build helper           busybox-static: the guest's userland
#   liburing-dev: the selftests' io_uring tests (static liburing.a)
#   e2fsprogs: mkfs.ext4 for the guest's ext4 image    file: checking busybox is static
set -euo pipefail
packages=(qemu-system-x86 flex bison bc libelf-dev libssl-dev cpio busybox-static liburing-dev e2fsprogs file gcc make)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "kernel-truth: installing ${missing[*]}" >&2
SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
