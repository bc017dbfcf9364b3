#!/usr/bin/env bash
# System packages some end-to-end tests need, from Debian's repositories. Idempotent: installs
# only what is missing, so a second run changes nothing and needs no network.
#   chromium      the service's test that loads /docs in a headless browser (apps/service/test)
#   redis-server  the service's shared rate-limit test over Redis (skipped when it is missing)
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)

if [ "${#missing[@]}" -eq 0 ]; then
  echo "ensure-test-deps: nothing to install"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || {
    echo "ensure-test-deps: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  }
  sudo=(sudo)
fi

echo "ensure-test-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q "${missing[@]}"
[ -x /usr/bin/chromium ] || {
  echo "ensure-test-deps: chromium was installed but /usr/bin/chromium is missing" >&2
  exit 1
}
[ -x /usr/bin/redis-server ] || {
  echo "ensure-test-deps: redis-server was installed but /usr/bin/redis-server is missing" >&2
  exit 1
}
