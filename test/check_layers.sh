#!/usr/bin/env bash
# Fails when a file under src/<layer>/ includes a header of a layer above it (DESIGN.md, Layers),
# or a folder's internal/ headers from outside that folder.
set -euo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$root/src"
# Each layer and the layers it may include (itself included).
declare -A allowed=(
  [common]="common"
  [columnar]="common columnar"
  [formats]="common columnar formats"
  [delta]="common columnar formats delta"
  [exec]="common columnar formats delta exec"
  [sql]="common columnar formats delta exec sql"
  [catalog]="common columnar formats delta exec sql catalog"
  [pipeline]="common columnar formats delta exec sql catalog pipeline"
  [cli]="common columnar formats delta exec sql catalog pipeline cli"
)
status=0
for layer in "${!allowed[@]}"; do
  [ -d "$layer" ] || continue
  while IFS= read -r line; do
    file="${line%%:*}"
    inc=$(sed -E 's/.*#include "([^"]+)".*/\1/' <<<"$line")
    target="${inc%%/*}"
    [ -n "${allowed[$target]+x}" ] || continue   # not a layer (braid/, third party)
    if ! grep -qw "$target" <<<"${allowed[$layer]}"; then
      echo "layering: src/$file includes \"$inc\": $layer may not depend on $target"
      status=1
    fi
    if [[ "$inc" == */internal/* ]]; then
      owner="${inc%/internal/*}"
      if [[ "$file" != "$owner"/* ]]; then
        echo "layering: src/$file includes \"$inc\", internal to $owner/"
        status=1
      fi
    fi
  done < <(grep -rn --include='*.h' --include='*.cc' -E '^#include "[^"]+"' "$layer" | sed -E 's/^([^:]+):[0-9]+:/\1:/')
done
[ $status -eq 0 ] && echo "layering: ok"
exit $status
