#!/usr/bin/python3
"""Writes nabolag's man pages from the program's own --help texts, so that
the two cannot disagree: nabolag(1) from `nabolag --help`, nabolag-CMD(1)
from `nabolag CMD --help` for every command it lists, and
nabolag-import-KIND(1) for every kind `nabolag import --help` lists. The
help text is set verbatim (no filling), split into SYNOPSIS (the usage
lines), DESCRIPTION and OPTIONS (from the first line that starts with an
option). The pages are English (C locale and --lang en), whatever the
builder's language. Usage: manpages.py NABOLAG_BINARY OUTDIR VERSION
"""
import os
import re
import subprocess
import sys

# The pages are English: the help texts are asked for in English both ways,
# by the C locale and by --lang en (which wins over any environment).
ENV = dict(os.environ, LC_ALL="C", LANGUAGE="en", LANG="C")


def help_text(binary, args):
    r = subprocess.run([binary, "--lang", "en"] + args + ["--help"], env=ENV,
                       capture_output=True, text=True, check=True)
    return r.stdout


def listed(text, heading):
    """(name, summary) pairs of the indented list under `heading:`."""
    out, inside = [], False
    for line in text.splitlines():
        if line.strip() == heading + ":":
            inside = True
        elif inside and not line.strip():
            break
        elif inside:
            m = re.match(r"^\s+(\S+)\s+(.*)$", line)
            if m:
                out.append(m.groups())
    return out


def roff(line):
    """A line of text as roff input that prints exactly that line."""
    line = line.replace("\\", "\\e")
    if line.startswith((".", "'")):
        line = "\\&" + line
    return line if line.strip() else ""


def sections(text):
    lines = text.rstrip("\n").split("\n")
    synopsis = []
    while lines and (lines[0].startswith("usage:") or
                     lines[0].startswith("       ") or
                     (synopsis and lines[0].startswith("    ") and
                      lines[0].strip().startswith(("[", "-")))):
        synopsis.append(lines.pop(0))
    opt = next((i for i, l in enumerate(lines)
                if re.match(r"^\s*(-[A-Za-z0-9],|--[a-z])", l)), None)
    if opt is not None:
        start = opt
        if start > 0 and lines[start - 1].rstrip().endswith(":"):
            start -= 1  # keep an "Options:" heading with its options
        return synopsis, lines[:start], lines[start:]
    return synopsis, lines, []


def page(name, summary, text, version, see_also):
    synopsis, desc, opts = sections(text)
    out = [f'.TH {name.upper()} 1 "" "nabolag {version}" "nabolag manual"',
           ".SH NAME", f"{name} \\- {roff(summary)}", ".SH SYNOPSIS", ".nf"]
    out += [roff(l) for l in synopsis] + [".fi"]
    for title, body in (("DESCRIPTION", desc), ("OPTIONS", opts)):
        while body and not body[0].strip():
            body = body[1:]
        if body:
            out += [f".SH {title}", ".nf"] + [roff(l) for l in body]
            out += [".fi"]
    out += [".SH SEE ALSO", ", ".join(f"\\fB{s}\\fR(1)" for s in see_also)]
    return "\n".join(out) + "\n"


def main(binary, outdir, version):
    os.makedirs(outdir, exist_ok=True)
    top = help_text(binary, [])
    commands = listed(top, "Commands")
    pages = {"nabolag": ("monitor housing areas: statutory criteria, area "
                         "profiles, safety index, alerts, GIS layers", top)}
    for cmd, summary in commands:
        text = help_text(binary, [cmd])
        pages[f"nabolag-{cmd}"] = (summary, text)
        for kind, ksum in listed(text, "Kinds"):
            pages[f"nabolag-{cmd}-{kind}"] = (
                f"{cmd} {ksum}", help_text(binary, [cmd, kind]))
    names = sorted(pages)
    for name, (summary, text) in pages.items():
        see = ["nabolag"] if name != "nabolag" else names[1:]
        with open(os.path.join(outdir, name + ".1"), "w") as f:
            f.write(page(name, summary, text, version, see))
    with open(os.path.join(outdir, "pages.txt"), "w") as f:
        f.write("\n".join(names) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
