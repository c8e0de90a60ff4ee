#!/usr/bin/env bash
# Lints proto/ with buf (proto/buf.yaml) and checks that no commit since proto/buf.yaml came in broke the contract
# (buf breaking, FILE rules, each commit that changed proto/ against its parent). buf resolves the one Google import
# (google/rpc/status.proto) from the BSR for users; here, offline, from npm's google-proto-files, in a throwaway
# workspace. Needs `npm ci` in src/test/node first (it installs buf and google-proto-files).
set -euo pipefail
cd "$(dirname "$0")/.."
node_dir=src/test/node/node_modules
buf="$node_dir/.bin/buf"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# workspace <dir> <git revision or "worktree">: proto/ of that revision plus the Google import, as two modules
workspace() {
  local dir=$1 rev=$2
  mkdir -p "$dir/deps/google/rpc"
  if [ "$rev" = worktree ]; then cp -r proto "$dir/proto"; else mkdir "$dir/proto" && git archive "$rev" proto | tar -x -C "$dir"; fi
  cp "$node_dir/google-proto-files/google/rpc/status.proto" "$dir/deps/google/rpc/"
  # the module's lint and breaking rules come from proto/buf.yaml (its lint:/breaking: blocks), indented under it
  { echo "version: v2"; echo "modules:"; echo "  - path: proto"
    sed -n '/^lint:/,$p' proto/buf.yaml | sed 's/^/    /'
    echo "  - path: deps"; } > "$dir/buf.yaml"
  rm -f "$dir/proto/buf.yaml"
}

workspace "$work/head" worktree
(cd "$work/head" && "$OLDPWD/$buf" lint proto)
echo "buf lint: proto/ is clean"

first=$(git log --diff-filter=A --format=%H -- proto/buf.yaml | tail -1)
checked=0
for rev in $( [ -n "$first" ] && git rev-list --reverse "$first^..HEAD" -- proto) worktree; do
  base=$([ "$rev" = worktree ] && echo HEAD || echo "$rev^")
  [ -z "$first" ] && [ "$rev" != worktree ] && continue
  rm -rf "$work/base" "$work/new"
  workspace "$work/base" "$base"
  workspace "$work/new" "$rev"
  (cd "$work/new" && "$OLDPWD/$buf" breaking proto --against "$work/base/proto" 2>&1) \
    || { echo "buf breaking: $rev breaks the contract of $base"; exit 1; }
  checked=$((checked + 1))
done
echo "buf breaking: $checked change(s) of proto/ checked, none breaking"
