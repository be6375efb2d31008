#!/usr/bin/env bash
# Installs Neovim from Debian (0.7.2 on bookworm) for the Neovim end-to-end test, if missing.
set -euo pipefail
if command -v nvim >/dev/null 2>&1; then
  echo "neovim already installed: $(nvim --version | head -1)"; exit 0
fi
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim >/dev/null
nvim --version | head -1
