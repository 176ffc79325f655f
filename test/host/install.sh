#!/usr/bin/env bash
# Installs code-server into test/host/node_modules the way docs/TESTING.md prescribes:
# unsafe-perm as root, @vscode/ripgrep's GitHub download replaced by a cache seeded with Debian's rg,
# and a throwaway HOME/TMPDIR so the postinstall leaves nothing in the real home directory.
# Idempotent: skips when the installed tree matches the current package.json + lockfile.
set -euo pipefail

HOST_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HOST_DIR"

STAMP="node_modules/.smoe-host-stamp"
ENTRY="node_modules/code-server/out/node/entry.js"
# Built by code-server's postinstall (its nested npm install in lib/vscode); proves the postinstall ran.
NATIVE_PROBE="node_modules/code-server/lib/vscode/node_modules/node-pty/build/Release/pty.node"
# npm 11 runs dependencies' install scripts only when allowed. The two top-level ones are allowed in
# package.json (allowScripts). code-server's postinstall runs nested `npm install`s in lib/vscode and
# lib/vscode/extensions, whose package.json we do not control: their allow-list goes into a project
# .npmrc written there before the postinstall runs. (An allow-list in the user .npmrc would be exported
# to the nested npm as npm_config_allow_scripts, which npm rejects in project installs.) These are the
# packages with install scripts in code-server 4.100.3's npm-shrinkwrap.json files.
NESTED_ALLOW_SCRIPTS="@parcel/watcher,@vscode/deviceid,@vscode/ripgrep,@vscode/spdlog,@vscode/windows-ca-certs,@vscode/windows-process-tree,@vscode/windows-registry,kerberos,native-watchdog,node-pty,esbuild"
RIPGREP_PACKAGE_VERSION="1.15.11"
RIPGREP_ASSET="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"

fingerprint() {
  { node --version; cat package.json; [ -f package-lock.json ] && cat package-lock.json; } | sha256sum | cut -d' ' -f1
}

if [ -f "$STAMP" ] && [ -f "$ENTRY" ] && [ -f "$NATIVE_PROBE" ] && [ -f package-lock.json ] && [ "$(cat "$STAMP")" = "$(fingerprint)" ]; then
  echo "test/host: code-server already installed (lockfile unchanged), skipping"
  exit 0
fi

RG="$(command -v rg || true)"
if [ -z "$RG" ]; then
  echo "test/host: ripgrep (rg) is missing; install it first: apt-get install -y ripgrep" >&2
  exit 1
fi

# npm reads its user config and cache from HOME; keep using the real ones while HOME is isolated.
NPM_USERCONFIG="$(npm config get userconfig)"
NPM_CACHE="$(npm config get cache)"
NODE_PREFIX="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/smoe-host-install.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home" "$WORK/tmp"

CACHE_DIR="$WORK/tmp/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION"
mkdir -p "$CACHE_DIR"
tar -C "$(dirname "$RG")" -czf "$CACHE_DIR/$RIPGREP_ASSET" "$(basename "$RG")"

export HOME="$WORK/home" TMPDIR="$WORK/tmp"
export XDG_CONFIG_HOME="$WORK/home/.config" XDG_DATA_HOME="$WORK/home/.local/share" XDG_CACHE_HOME="$WORK/home/.cache"
export npm_config_userconfig="$NPM_USERCONFIG" npm_config_cache="$NPM_CACHE"
export npm_config_unsafe_perm=true npm_config_yes=true
# node-gyp builds native modules against the local headers instead of downloading them.
if [ -f "$NODE_PREFIX/include/node/node.h" ]; then
  export npm_config_nodedir="$NODE_PREFIX"
fi

started=$(date +%s)
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --ignore-scripts
else
  npm install --no-audit --no-fund --ignore-scripts
fi
for nested in node_modules/code-server/lib/vscode node_modules/code-server/lib/vscode/extensions; do
  echo "allow-scripts=$NESTED_ALLOW_SCRIPTS" > "$nested/.npmrc"
done
npm rebuild --no-audit --no-fund --foreground-scripts code-server argon2

if [ ! -f "$ENTRY" ] || [ ! -f "$NATIVE_PROBE" ]; then
  echo "test/host: install finished but code-server's postinstall did not build its native modules ($NATIVE_PROBE missing)" >&2
  exit 1
fi
fingerprint > "$STAMP"
echo "test/host: code-server $(node -p "require('./node_modules/code-server/package.json').version") installed in $(( $(date +%s) - started )) s"
