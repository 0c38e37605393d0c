#!/usr/bin/env bash
# The README's commands work as written, followed from the root of a fresh clone: every ```sh
# block after the set-up one (make demo / make test) runs, from the root, in a copy of the
# repository's README and examples with build/release/braid being the program under test, and
# every command in it must succeed. To stay fast, `make ...` lines are skipped (the program is
# built already) and the data sizes are made smaller (generate.sql's rows, make_sales.sh's).
# Usage: readme_test.sh PATH/TO/braid
set -euo pipefail
. "$(dirname "$0")/lib.sh"
src="$source_dir"

root="$tmp/clone"
mkdir -p "$root/build/release"
cp "$src/README.md" "$root/"
cp -r "$src/examples" "$root/"
rm -rf "$root"/examples/*/warehouse "$root"/examples/*/out
ln -s "$braid" "$root/build/release/braid"

# The ```sh blocks, one file each.
awk -v dir="$tmp" '
  /^```sh$/ { n++; inside = 1; next }
  /^```$/ { inside = 0; next }
  inside { print > (dir "/block" n ".sh") }
' "$src/README.md"
blocks=$(ls "$tmp"/block*.sh 2> /dev/null | sort -V)
[ "$(echo "$blocks" | wc -l)" -ge 3 ] || fail "expected the set-up block and at least two more in README.md"
grep -q "make demo" "$tmp/block1.sh" || fail "the first sh block is not the set-up one: $(cat "$tmp/block1.sh")"

for block in $blocks; do
  [ "$block" == "$tmp/block1.sh" ] && continue
  sed -e '/^make /d' -e 's/rows=1000000/rows=20000/g' -e 's/make_sales.sh 100000/make_sales.sh 3000/g' "$block" > "$block.run"
  if ! (cd "$root" && bash -euo pipefail "$block.run") > "$block.out" 2>&1; then
    fail "README block $(basename "$block" .sh) fails when run from the root:
$(cat "$block")
--- output:
$(tail -n 30 "$block.out")"
  fi
done
echo "readme_test: ok ($(echo "$blocks" | wc -l) blocks)"
