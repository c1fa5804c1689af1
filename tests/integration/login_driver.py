#!/usr/bin/env python3
"""Drives `sekisho login` through a real pseudo-terminal, as a person would.

Usage: login_driver.py SEKISHO DB NAME SCRIPT_JSON

SCRIPT_JSON is a list of [expect, answer] pairs: wait until the terminal
output contains `expect` (a regular expression), then type `answer`.
Answers may use {key} (the setup key read from the screen), {code1} and
{code2} (consecutive TOTP codes computed by oathtool from that key), and
{code_now} (the current code).  Prints the whole transcript on failure.
Exit status: that of sekisho, or 99 when an expectation timed out.
"""
import json, os, pty, re, select, subprocess, sys, time

def oathtool(key, t):
    return subprocess.check_output(
        ["oathtool", "--totp", "-b", "--now", "@%d" % t, key], text=True).strip()

def main():
    sekisho, db, name, script = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(sekisho, [sekisho, "--db", db, "login", name])
    out = b""
    pos = 0  # expectations match only output after the previous match
    env = {}
    def read_until(pattern, timeout=20):
        nonlocal out, pos
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern.encode())
        while True:
            m = rx.search(out, pos)
            if m:
                pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([fd], [], [], left)
            if r:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    m = rx.search(out, pos)
                    return m
                out += chunk
    for expect, answer in script:
        m = read_until(expect)
        if m is None:
            sys.stdout.write(out.decode(errors="replace"))
            print("\nlogin_driver: timed out waiting for %r" % expect, file=sys.stderr)
            os.kill(pid, 9)
            sys.exit(99)
        k = re.search(rb"manually[^\n]*\n\s+([A-Z2-7 ]+)\r?\n", out)
        if k:
            env["key"] = k.group(1).decode().replace(" ", "")
        if answer is not None and "{code" in answer:
            now = int(time.time())
            env["code1"] = oathtool(env["key"], now - 30)
            env["code2"] = oathtool(env["key"], now)
            env["code_now"] = env["code2"]
        if answer is not None:
            os.write(fd, (answer.format(**env) + "\n").encode())
    read_until(r"\Z\Z", timeout=15)  # drain until exit
    _, status = os.waitpid(pid, 0)
    rc = os.waitstatus_to_exitcode(status)
    sys.stdout.write(out.decode(errors="replace"))
    if "key" in env:
        with open(os.environ.get("SEKISHO_KEY_OUT", "/dev/null"), "w") as f:
            f.write(env["key"] + "\n")
    sys.exit(rc)

main()
