#!/usr/bin/python3
"""House limits on size in src/: no function over 80 lines (from the line of
its opening brace to the line of its closing brace) and no file over 1,000
lines. Entries of the allow-list (tests/lint/length-allow.txt: 'function
PATH NAME' or 'file PATH', '#' comments) are tolerated while they are still
over the limit; an entry that is no longer needed is an error too, so the
list only shrinks. Prints file:line: reason per problem; exit 1 if any.
Usage: check_lengths.py SOURCE_DIR [--list]   (--list: every long function)
"""
import os
import re
import sys

MAX_FUNCTION = 80
MAX_FILE = 1000
_BLANK = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"'
                    r"|'(?:\\.|[^'\\\n])*'", re.S)
_PREPRO = re.compile(r"^[ \t]*#(?:\\\n|[^\n])*", re.M)


def _blank(m):
    return re.sub(r"[^\n]", " ", m.group(0))


def functions(text):
    """Yields (name, first_line, length) of every function definition."""
    src = _PREPRO.sub(_blank, _BLANK.sub(_blank, text))
    depth, head_start, open_at, name = 0, 0, None, None
    for i, c in enumerate(src):
        if c == "{":
            if depth == 0:
                head = " ".join(src[head_start:i].split())
                m = re.search(r"([A-Za-z_]\w*)\s*\([^()]*(?:\([^()]*\)[^()]*)*"
                              r"\)\s*$", head)
                if m and "=" not in head and not re.match(
                        r"^(typedef|struct|enum|union)\b", head):
                    open_at, name = i, m.group(1)
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                if open_at is not None:
                    l0 = src.count("\n", 0, open_at) + 1
                    l1 = src.count("\n", 0, i) + 1
                    yield name, l0, l1 - l0 + 1
                open_at, name = None, None
                head_start = i + 1
        elif c == ";" and depth == 0:
            head_start = i + 1


def load_allow(path):
    allow = set()
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            line = line.split("#", 1)[0].split()
            if line:
                allow.add(tuple(line))
    return allow


def main(top, listing):
    allow = load_allow(os.path.join(top, "tests/lint/length-allow.txt"))
    used, problems = set(), []
    for root, _, names in os.walk(os.path.join(top, "src")):
        for n in sorted(names):
            if not n.endswith((".c", ".h")):
                continue
            path = os.path.join(root, n)
            rel = os.path.relpath(path, top)
            text = open(path, encoding="utf-8").read()
            nlines = text.count("\n")
            if nlines > MAX_FILE:
                key = ("file", rel)
                if key in allow:
                    used.add(key)
                else:
                    problems.append(f"{rel}:1: {nlines} lines (at most "
                                    f"{MAX_FILE}: split it into parts)")
            for name, l0, length in functions(text):
                if length <= MAX_FUNCTION:
                    continue
                key = ("function", rel, name)
                if listing:
                    print(f"{rel}:{l0}: {name} {length}")
                if key in allow:
                    used.add(key)
                else:
                    problems.append(f"{rel}:{l0}: function {name} has "
                                    f"{length} lines (at most {MAX_FUNCTION}:"
                                    f" split it into named steps)")
    for key in sorted(allow - used):
        problems.append(f"tests/lint/length-allow.txt: '{' '.join(key)}' is "
                        f"within the limit now (or gone): remove the entry")
    if not listing:
        for p in problems:
            print(p)
    return 1 if problems and not listing else 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--list"]
    sys.exit(main(args[0] if args else ".", "--list" in sys.argv))
