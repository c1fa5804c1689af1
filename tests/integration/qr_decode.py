#!/usr/bin/env python3
"""Reads the QR code that `sekisho login` drew with half-block characters
from a transcript, turns it into a PGM image and decodes it with zbarimg
(a real QR reader, as a phone's camera would).  Prints the decoded text.

Usage: qr_decode.py TRANSCRIPT
"""
import os, subprocess, sys, tempfile

BLOCKS = {"\u2588": (1, 1), "\u2580": (1, 0), "\u2584": (0, 1), " ": (0, 0)}

def main():
    text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
    rows = [l.rstrip("\r") for l in text.split("\n")]
    art = [l for l in rows if l and set(l) <= set(BLOCKS) and "\u2588" in l]
    if not art:
        sys.exit("qr_decode: no QR code in the transcript")
    width = max(len(l) for l in art)
    px = []
    for line in art:
        line = line.ljust(width)
        top = [BLOCKS[c][0] for c in line]
        bottom = [BLOCKS[c][1] for c in line]
        px += [top, bottom]
    # The glyphs paint light modules (light-on-dark terminal): ink = light.
    scale = 8
    h, w = len(px) * scale, width * scale
    data = bytearray()
    for row in px:
        line = bytearray()
        for v in row:
            line += bytes([255 if v else 0]) * scale
        data += bytes(line) * scale
    with tempfile.NamedTemporaryFile(suffix=".pgm", delete=False) as f:
        f.write(b"P5 %d %d 255\n" % (w, h) + bytes(data))
        name = f.name
    try:
        out = subprocess.run(["zbarimg", "--quiet", "--raw", name], capture_output=True, text=True)
    finally:
        os.unlink(name)
    if out.returncode != 0:
        sys.exit("qr_decode: zbarimg could not read the code: " + out.stderr.strip())
    print(out.stdout.strip())

main()
