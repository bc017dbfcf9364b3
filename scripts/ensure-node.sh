# shellcheck shell=bash
# scripts/ensure-node.sh: source it (". scripts/ensure-node.sh"), don't execute it.
# Puts Node >= 22.16 and a pinned pnpm on PATH. Idempotent: a second run changes nothing.
# Uses only the npm registry. Installs nothing globally: everything goes under $TOOLS_DIR.
NODE_PIN=${NODE_PIN:-24.21.0}   # used only when the machine's node is too old
PNPM_PIN=${PNPM_PIN:-12.21.0}
TOOLS_DIR=${TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/node-tools}

# npm install into DIR without --prefix: "--prefix DIR" makes npm read DIR/etc/npmrc instead of
# /usr/etc/npmrc, losing this machine's cafile (SELF_SIGNED_CERT_IN_CHAIN when
# NODE_EXTRA_CA_CERTS is not set).
_npm_into() {
  mkdir -p "$1" && { [ -f "$1/package.json" ] || echo '{"private":true}' >"$1/package.json"; } &&
    (cd "$1" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$2" >&2)
}

# npm takes its global npmrc from <node prefix>/etc/npmrc: once a registry node is first on PATH,
# /usr/etc/npmrc (cafile for this machine's TLS proxy) is no longer read. Pin it before switching.
if [ -z "${npm_config_globalconfig:-}" ] && command -v node >/dev/null 2>&1; then
  _gc="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/etc/npmrc"
  [ -f "$_gc" ] && export npm_config_globalconfig="$_gc"
fi

_node_ok() { # true when the node on PATH is >= 22.16
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=16)?0:1)' 2>/dev/null
}

if ! _node_ok; then
  case "$(uname -m)" in x86_64) _arch=x64 ;; aarch64|arm64) _arch=arm64 ;; *) _arch=$(uname -m) ;; esac
  _pkg="node-linux-$_arch"          # ships bin/node + include/ headers, no install script
  _nd="$TOOLS_DIR/node-$NODE_PIN/node_modules/$_pkg"
  if [ ! -x "$_nd/bin/node" ]; then
    echo "ensure-node: installing $_pkg@$NODE_PIN into $TOOLS_DIR" >&2
    _npm_into "$TOOLS_DIR/node-$NODE_PIN" "$_pkg@$NODE_PIN" || return 1
  fi
  export PATH="$_nd/bin:$PATH"
  hash -r
fi

# Headers for native addons (node-gyp). pnpm 12 ignores ~/.npmrc's nodedir, and that nodedir
# (/usr) holds Node 20's headers: without this node-gyp downloads headers (fails here) or
# builds against the wrong ABI (ERR_DLOPEN_FAILED, NODE_MODULE_VERSION 115 vs 137).
_root=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
[ -f "$_root/include/node/node.h" ] && export npm_config_nodedir="$_root"

# npm/npx: the registry's node package has no npm; the machine's /usr/bin/npm
# (#!/usr/bin/env node) runs on whichever node is first on PATH.
if [ "$(pnpm --version 2>/dev/null)" != "$PNPM_PIN" ]; then
  _pd="$TOOLS_DIR/pnpm-$PNPM_PIN"
  if [ ! -x "$_pd/node_modules/.bin/pnpm" ]; then
    echo "ensure-node: installing pnpm@$PNPM_PIN into $_pd" >&2
    _npm_into "$_pd" "pnpm@$PNPM_PIN" || return 1
  fi
  export PATH="$_pd/node_modules/.bin:$PATH"
  hash -r
fi

export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
unset _arch _pkg _nd _pd _root _gc; unset -f _npm_into _node_ok
