#!/usr/bin/env bash
# System packages some end-to-end tests need, from Debian's repositories. Idempotent.
set -euo pipefail
echo "ensure-test-deps: nothing to install yet"
