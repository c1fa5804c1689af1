#!/usr/bin/env python3
"""Runs a command in a real pseudo-terminal and answers its prompts, as a
person at a keyboard would (secrets typed where echo is off, etc.).

Usage: pty_driver.py SCRIPT_JSON COMMAND [ARGS...]

SCRIPT_JSON is a list of [expect, answer] pairs: wait until the output that
follows the previous match contains `expect` (a Python regular expression),
then type `answer` and Enter (null: type nothing).  Answers may use
  {key}       the setup key shown on the screen (spaces removed)
  {code1} {code2}  two consecutive TOTP codes for that key (oathtool, now-30 / now)
  {code_now}  the current code (same as {code2})
  <EOF>       (the whole answer) types Ctrl-D: end of input
  {NAME}      otherwise, the environment variable NAME
The transcript goes to stdout.  When SEKISHO_KEY_OUT is set, the last setup
key seen is written to that file, and with SEKISHO_CODE_OUT the last
{code2} typed.  Exit status: the command's, or 99 when an
expectation was not met within 20 seconds (the transcript says which).
"""
import json, os, pty, re, select, subprocess, sys, time

def oathtool(key, t):
    return subprocess.check_output(
        ["oathtool", "--totp", "-b", "--now", "@%d" % t, key], text=True).strip()

class Answers(dict):
    def __missing__(self, k):
        return os.environ[k]

def main():
    script = json.loads(sys.argv[1])
    argv = sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    out, pos, env = b"", 0, Answers()

    def read_more(timeout):
        nonlocal out
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return True
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            chunk = b""
        out += chunk
        return bool(chunk)

    def expect(pattern, timeout=20):
        nonlocal pos
        rx = re.compile(pattern.encode())
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(out, pos)
            if m:
                pos = m.end()
                return True
            left = deadline - time.monotonic()
            if left <= 0 or not read_more(left):
                m = rx.search(out, pos)
                if m:
                    pos = m.end()
                return bool(m)

    for pattern, answer in script:
        if not expect(pattern):
            sys.stdout.write(out.decode(errors="replace"))
            print("\npty_driver: expected %r, not seen" % pattern, file=sys.stderr)
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            sys.exit(99)
        keys = re.findall(rb"manually[^\n]*\n\s+([A-Z2-7 ]+?)\r?\n", out)
        if keys:
            env["key"] = keys[-1].decode().replace(" ", "")
        if answer is None:
            continue
        if answer == "<EOF>":  # Ctrl-D at the start of a line: end of input
            os.write(fd, b"\x04")
            continue
        # The pair is computed once, when code1 (or code_now) is typed, so
        # code2 stays consecutive to code1 even if a 30 s step ends between
        # the two prompts.
        if "{code1}" in answer or "{code_now}" in answer:
            now = int(time.time())
            env["code1"] = oathtool(env["key"], now - 30)
            env["code2"] = env["code_now"] = oathtool(env["key"], now)
        os.write(fd, (answer.format_map(env) + "\n").encode())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], deadline - time.monotonic())
        if r and not read_more(0):
            break  # end of output: the command has exited
    else:
        os.kill(pid, 9)  # hung: fail rather than wait forever
        print("\npty_driver: command did not finish", file=sys.stderr)
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(out.decode(errors="replace"))
    if "key" in env and os.environ.get("SEKISHO_KEY_OUT"):
        with open(os.environ["SEKISHO_KEY_OUT"], "w") as f:
            f.write(env["key"] + "\n")
    if "code2" in env and os.environ.get("SEKISHO_CODE_OUT"):
        with open(os.environ["SEKISHO_CODE_OUT"], "w") as f:
            f.write(env["code2"] + "\n")
    sys.exit(os.waitstatus_to_exitcode(status))

main()
