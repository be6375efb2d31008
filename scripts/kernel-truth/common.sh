# Shared paths and helpers of the kernel-truth scripts (sourced, not run).
# Build output lives in a cache, never in the repository.
CACHE=${PINSIGHT_CACHE:-$HOME/.cache/pinsight}
KT_CACHE="$CACHE/kernel-truth"
KT_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$KT_SCRIPTS/../.." && pwd)
JOBS=${PINSIGHT_JOBS:-2}   # the machine is shared: 2 cores

log() { echo "kernel-truth: $*" >&2; }
die() { echo "kernel-truth: error: $*" >&2; exit 1; }

# kernel_tree V: the unpacked Debian linux-source-V tree (fetched and cached if missing).
kernel_tree() { bash "$REPO/scripts/fetch-kernel.sh" "$1" | tail -n 1; }

# tree_version TREE: VERSION.PATCHLEVEL.SUBLEVEL from the tree's Makefile.
tree_version() {
  awk -F' = ' '/^VERSION =/{v=$2} /^PATCHLEVEL =/{p=$2} /^SUBLEVEL =/{s=$2} END{print v"."p"."s}' "$1/Makefile"
}

sha256_of() { cat "$@" | sha256sum | cut -c1-64; }
