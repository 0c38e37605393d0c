# The helpers every CLI test shares (test/cli/*_test.sh), sourced as its first command after `set`:
#   . "$(dirname "$0")/lib.sh"
# Sourcing it takes the program under test from the script's first argument and makes a temporary
# folder that is removed on exit (KEEP=1 keeps it, to look at after a failure). It sets no shell
# options: each script keeps its own `set` line (adversarial_test.sh runs its cases without -e at
# the top), and every helper works either way. Not a test itself: ctest runs cli/*_test.sh only.
#
#   $braid                  the program under test, as an absolute path (tests cd into folders)
#   $tmp                    the temporary folder
#   $source_dir             the repository's root (BRAID_SOURCE_DIR, set by ctest, else found from here)
#   fail MESSAGE            the test (or a case of adversarial_test.sh) fails with MESSAGE
#   skip_test REASON        the whole test is skipped: prints the reason, exits 0
#   skip_case REASON        a case run in a subshell is skipped: exits 77 (adversarial_test.sh)
#   require_command CMD WHY fails unless CMD is installed: "CMD is needed WHY"
#   expect_eq GOT EXPECTED WHAT
#   run_braid ARGS...       runs braid ARGS; sets $rc, and $out / $err (files with stdout / stderr)
#   expect_ok ARGS...       braid ARGS exits 0
#   expect_failure ARGS...  braid ARGS exits non-zero (any status, any message)
#   expect_error RC REGEX ARGS...  braid ARGS exits RC, prints nothing on stdout, and its stderr
#                           starts with "braid: error: ", matches REGEX (grep -E) and is no raw error
#   q WAREHOUSE SQL         a query's rows as CSV without the header (of a one-value query, the value)
#   sorted_rows PATH        the rows braid cat reads from a table or file, as CSV, sorted
#   row_count PATH          how many rows braid cat reads from a table or file
#   table_commits TABLE     the commits of a Delta table after its creation (version 0)
#   tree_state [DIR]        every folder and every file's sha256 below DIR (default: here), sorted:
#                           equal before and after means nothing on disk changed

[ $# -ge 1 ] || { echo "usage: $(basename "$0") PATH/TO/braid" >&2; exit 2; }
braid="$(realpath "$1")"
source_dir="${BRAID_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
tmp="$(mktemp -d)"
# u+w first: a test may leave read-only folders behind (adversarial_test.sh's read-only case).
remove_tmp() {
  if [ -n "${KEEP:-}" ]; then
    echo "kept $tmp" >&2
    return
  fi
  chmod -R u+w "$tmp" 2> /dev/null
  rm -rf "$tmp"
}
trap remove_tmp EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
skip_test() {
  echo "SKIP: $*"
  exit 0
}
skip_case() {
  echo "SKIP: $*" >&2
  exit 77
}
require_command() {  # COMMAND WHY
  command -v "$1" > /dev/null || fail "$1 is needed $2"
}

expect_eq() { [ "$1" == "$2" ] || fail "$3: expected [$2], got [$1]"; }

run_braid() {
  out="$tmp/out" err="$tmp/err"
  rc=0
  "$braid" "$@" > "$out" 2> "$err" || rc=$?
}
expect_ok() {
  run_braid "$@"
  [ "$rc" == 0 ] || fail "braid $* exited $rc: $(cat "$err")"
}
expect_failure() {
  run_braid "$@"
  [ "$rc" -ne 0 ] || fail "braid $* succeeded: $(cat "$out")"
}
expect_error() {  # RC REGEX ARGS...
  local want="$1" re="$2"
  shift 2
  run_braid "$@"
  [ "$rc" == "$want" ] || fail "braid $* exited $rc, expected $want: $(cat "$err")"
  [ ! -s "$out" ] || fail "braid $* printed on stdout: $(head -c 300 "$out")"
  head -n 1 "$err" | grep -q '^braid: error: ' || fail "braid $*: stderr does not start with 'braid: error: ': $(cat "$err")"
  grep -Eq -- "$re" "$err" || fail "braid $*: stderr does not match /$re/: $(cat "$err")"
  ! grep -q "Run with --help\|terminate called\|internal error" "$err" || fail "braid $*: raw error: $(cat "$err")"
}

q() {  # WAREHOUSE SQL
  local out
  out=$("$braid" sql -w "$1" --format csv "$2" 2> "$tmp/q_err") || fail "query failed: $2: $(cat "$tmp/q_err")"
  echo "$out" | tail -n +2
}
sorted_rows() { "$braid" cat "$1" --format csv | tail -n +2 | sort; }
row_count() { "$braid" cat "$1" --format csv | tail -n +2 | wc -l; }
table_commits() { find "$1/_delta_log" -maxdepth 1 -name '[0-9]*.json' | wc -l | awk '{ print $1 - 1 }'; }

tree_state() {  # [DIR]
  (
    cd "${1:-.}" || exit 1
    find . -mindepth 1 -type d | LC_ALL=C sort | sed 's/^/folder /'
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
  )
}
