#!/usr/bin/env bash
# The main job in one command, on a fresh machine with only Node.js and npm: provision Node 24 and
# pnpm (from the npm registry, when the machine's Node is older), install, build, then list orders
# from the embedded sandbox (simulated FlexPortal + FlexFactor) — no credentials needed.
#
#   bash scripts/demo.sh
set -eo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/ensure-node.sh
. scripts/ensure-node.sh
pnpm install --frozen-lockfile
pnpm build

echo
echo '$ orderbridge orders list --limit 20'
# Provider credentials and a config file from the caller's environment are left out on purpose:
# the demo always shows the embedded sandbox, never a real account.
exec env -u FLEXPORTAL_API_KEY -u FLEXPORTAL_TENANT_ID -u FLEXPORTAL_REGION -u FLEXPORTAL_BASE_URL \
  -u FLEXFACTOR_APP_KEY -u FLEXFACTOR_APP_SECRET -u FLEXFACTOR_ENVIRONMENT -u FLEXFACTOR_BASE_URL \
  -u ORDERBRIDGE_CONFIG -u ORDERBRIDGE_FORMAT \
  node apps/cli/dist/bin.js orders list --limit 20
