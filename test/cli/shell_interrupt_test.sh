#!/usr/bin/env bash
# Ctrl-C in `braid shell` on a terminal (a pseudo-terminal driven by python3's pty module), as in
# psql and duckdb: it clears the line being typed (and a statement continued over several lines),
# cancels a running statement, and never ends the shell; the history is kept.
# Usage: shell_interrupt_test.sh PATH/TO/braid
set -euo pipefail
. "$(dirname "$0")/lib.sh"
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3 || true)
[ -n "$python" ] || skip_test "shell_interrupt_test needs python3 (its pty module) for a terminal"
export HOME="$tmp/home"
mkdir -p "$HOME" "$tmp/wh"

"$python" - "$braid" "$tmp/wh" << 'PY' || fail "the shell under a terminal (see above)"
import os, pty, select, signal, sys, time

braid, warehouse = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "dumb"
    os.execv(braid, [braid, "shell", "-w", warehouse])

out = b""

def fail(message):
    print("FAIL: " + message + "\n--- terminal output ---\n" + out.decode("utf-8", "replace"), file=sys.stderr)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    sys.exit(1)

def read_until(pattern, what, timeout=15):
    """Reads the terminal until `pattern` appears after the current mark."""
    global out, mark
    deadline = time.time() + timeout
    while pattern not in out[mark:]:
        left = deadline - time.time()
        if left <= 0:
            fail("timed out waiting for " + what)
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                fail("the shell ended while waiting for " + what)
            out += chunk
    mark = out.index(pattern, mark) + len(pattern)

def send(text):
    os.write(fd, text)

mark = 0
read_until(b"braid> ", "the first prompt")

# 1. Ctrl-C clears the line being typed; the shell stays. (readline echoes what it has read: a
# Ctrl-C sent before would make the terminal discard the unread keys, not test the clearing.)
send(b"SELECT 'never run")
read_until(b"SELECT 'never run", "the echo of the line being typed")
send(b"\x03")
read_until(b"braid> ", "a fresh prompt after Ctrl-C on a line")
send(b"SELECT 40 + 2 AS answer;\r")
read_until(b"42", "the statement typed after Ctrl-C")
read_until(b"braid> ", "the prompt after it")
if b"never run" in out[mark:]:
    fail("the cleared line ran")

# 2. Ctrl-C clears a statement continued over several lines.
send(b"SELECT 'half' AS h,\r")
read_until(b"...> ", "the continuation prompt")
send(b"\x03")
read_until(b"braid> ", "the first prompt again after Ctrl-C in a continued statement")
send(b"SELECT 'whole' AS w;\r")
read_until(b"whole", "a statement after the cleared one")
read_until(b"braid> ", "the prompt after it")
if b"half" in out[mark:]:
    fail("the cleared continued statement ran")

# 3. Ctrl-C cancels a running statement; the shell stays, and runs the next one. The echo of the
# Enter shows the shell has the statement; the pause lets it start running (were it slower to
# start, the Ctrl-C would still cancel it, as in 4).
endless = b"SELECT count(*) AS n FROM range(1000000000000) WHERE id % 7 = 3;"
send(endless + b"\r")
read_until(endless + b"\r\n", "the echo of the statement entered")
time.sleep(0.5)
start = time.time()
send(b"\x03")
read_until(b"cancel", "the cancelled statement's error")
read_until(b"braid> ", "the prompt after the cancelled statement")
if time.time() - start > 5:
    fail("cancelling the statement took %.1f s" % (time.time() - start))
send(b"SELECT 'still here' AS s;\r")
read_until(b"still here", "a statement after the cancelled one")
read_until(b"braid> ", "the prompt after it")

# 4. A Ctrl-C right after Enter, before the statement has started, cancels it too: it must not
# fall between the prompt and the statement (and leave the endless statement running).
send(endless + b"\r")
read_until(endless + b"\r\n", "the echo of the statement entered")
send(b"\x03")
read_until(b"cancel", "the error of the statement cancelled as it started")
read_until(b"braid> ", "the prompt after the statement cancelled as it started")
send(b"SELECT 'and here' AS s;\r")
read_until(b"and here", "a statement after the one cancelled as it started")
read_until(b"braid> ", "the prompt after it")

# 5. Leaving: the history has what was run, and the shell ends normally.
send(b".quit\r")
deadline = time.time() + 10
while True:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    if time.time() > deadline:
        fail(".quit did not end the shell")
    try:
        if select.select([fd], [], [], 0.1)[0]:
            out += os.read(fd, 4096)
    except OSError:
        time.sleep(0.1)
if os.WIFSIGNALED(status):
    fail("the shell was killed by signal %d" % os.WTERMSIG(status))
history = open(os.path.join(os.environ["HOME"], ".braid_history"), encoding="utf-8").read()
for line in ["SELECT 40 + 2 AS answer;", "SELECT 'still here' AS s;"]:
    if line not in history:
        fail("the history lacks %r: %r" % (line, history))
PY
echo "shell interrupt cli: ok"
