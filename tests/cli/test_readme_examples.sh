#!/bin/bash
# labels: cli
# The README's examples run as tests (after jq's manual), so they cannot
# drift from the program:
# 1. Every block between <!-- example: NAME --> and <!-- /example --> is a
#    console session: its first line '$ COMMAND' is run with bash in a
#    folder holding a copy of sample-data/ (and docs/), with `nabolag` on
#    PATH; the blocks run in README order (the first one is `nabolag run`),
#    and the output (stdout and stderr) must equal the rest of the block. A
#    line '…' stands for one or more omitted lines; every other line is
#    compared exactly.
# 2. The hand computations (docs/examples/*.py, standard library only) agree
#    with the program's own outputs: plan P1's lab row with `plans compare
#    -f json`, SK-04's 2024 criteria with the areas layer, SK-09's 2024
#    safety index with the safety layer.
# 3. Every command in the <!-- commands --> reference accepts --help (exit
#    0, its usage on stdout) and its help names every option the README
#    lists for it, and the README every option its help lists (the
#    reference lacked import stats' --column and six more); every command and import kind of `nabolag --help` is in
#    the reference. Quoted files (<!-- excerpt: PATH -->) match PATH.
# 4. The README starts with exactly the two set-up commands, and every
#    relative link of README.md and docs/README.md exists; docs/README.md
#    lists every docs/*.md.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
README="$NBL_SOURCE_DIR/README.md"
[ -f "$README" ] || { echo "FAIL: no README.md" >&2; exit 1; }
mkdir -p "$T/work/bin"
cp -r "$NBL_SOURCE_DIR/sample-data" "$T/work/sample-data"
rm -rf "$T/work/sample-data/out"
ln -s "$NBL_SOURCE_DIR/docs" "$T/work/docs"
ln -s "$NBL_BIN" "$T/work/bin/nabolag"

/usr/bin/python3 - "$README" "$T/work" "$NBL_BIN" "$NBL_SOURCE_DIR" <<'PY'
import json
import os
import re
import subprocess
import sys

readme, work, nbl, src = sys.argv[1:5]
text = open(readme, encoding="utf-8").read()
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


def fenced(body):
    """Lines of the one fenced code block in body."""
    lines = body.strip("\n").split("\n")
    if len(lines) < 2 or not lines[0].startswith("```") or lines[-1] != "```":
        return None
    return lines[1:-1]


# ---- 4. the head of the README -------------------------------------------
SETUP = [
    "scripts/demo.sh    # Debian 12, as root: installs dependencies, builds,"
    " runs the sample project",
    "scripts/test.sh    # Debian 12, as root: installs dependencies, builds,"
    " runs the whole test suite (normal + ASan/UBSan)",
]
m = re.match(r"# nabolag\n\n```sh\n(.*?)\n```\n", text, re.S)
if not m or m.group(1).split("\n") != SETUP:
    fail("README.md must start with '# nabolag' and exactly the two set-up "
         "commands of scripts/demo.sh and scripts/test.sh")
for s in ("scripts/demo.sh", "scripts/test.sh"):
    if not os.access(os.path.join(src, s), os.X_OK):
        fail(s + " is not executable")

# ---- 1. the example sessions ----------------------------------------------
def matches(expected, actual):
    """expected lines, with '…' lines standing for one or more lines."""
    segs, cur = [], []
    for line in expected:
        if line == "…":
            segs.append(cur)
            cur = []
        else:
            cur.append(line)
    segs.append(cur)
    # segs[0] is anchored at the start, segs[-1] at the end; with no '…'
    # there is one segment and the whole output must equal it.
    if len(segs) == 1:
        return expected == actual
    first, last, middle = segs[0], segs[-1], segs[1:-1]
    if actual[:len(first)] != first:
        return False
    pos = len(first)
    end = len(actual) - len(last)
    if end < pos or actual[end:] != last:
        return False
    for seg in middle:
        pos += 1  # '…' is at least one line
        while pos + len(seg) <= end and actual[pos:pos + len(seg)] != seg:
            pos += 1
        if pos + len(seg) > end:
            return False
        pos += len(seg)
    return pos < end or not last  # the last '…' is at least one line too


env = dict(os.environ)
env["PATH"] = os.path.join(work, "bin") + ":" + env.get("PATH", "")
outputs = {}
blocks = re.findall(r"<!-- example: ([\w-]+) -->\n(.*?)<!-- /example -->",
                    text, re.S)
if len(blocks) < 6:
    fail(f"expected the README's example blocks, found {len(blocks)}")
for name, body in blocks:
    lines = fenced(body)
    if not lines or not lines[0].startswith("$ "):
        fail(f"example {name}: not a fenced block starting with '$ COMMAND'")
        continue
    cmd, expected = lines[0][2:], lines[1:]
    p = subprocess.run(["bash", "-c", cmd], cwd=work, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.decode("utf-8")
    outputs[name] = out
    actual = out.split("\n")
    if actual and actual[-1] == "":
        actual.pop()
    if not matches(expected, actual):
        fail(f"example {name}: '{cmd}' printed something else "
             "(diff: README block -> actual output):")
        exp = open(os.path.join(work, f"{name}.expected"), "w")
        exp.write("\n".join(expected) + "\n")
        exp.close()
        subprocess.run(["diff", "-u", os.path.join(work, f"{name}.expected"),
                        "-"], input=out.encode(), stdout=sys.stderr)
    else:
        print(f"ok: example {name}: {cmd}")

# Excerpts of repository files (<!-- excerpt: PATH -->): every non-blank
# line other than '...' occurs in PATH, in the same order.
for path, body in re.findall(
        r"<!-- excerpt: (\S+) -->\n(.*?)<!-- /excerpt -->", text, re.S):
    lines = fenced(body) or []
    with open(os.path.join(src, path), encoding="utf-8") as f:
        have = f.read().split("\n")
    pos = 0
    for line in lines:
        if not line.strip() or line == "...":
            continue
        while pos < len(have) and have[pos] != line:
            pos += 1
        if pos == len(have):
            fail(f"excerpt of {path}: '{line}' is not in the file (in order)")
            break
        pos += 1
    else:
        print(f"ok: excerpt of {path}")

# ---- 2. the hand computations agree with the program ----------------------
ws = os.path.join(work, "sample-data", "out", "sample.sqlite")
outdir = os.path.join(work, "sample-data", "out")


def near(a, b, tol, what):
    if a is None or b is None or abs(a - b) > tol:
        fail(f"{what}: hand computation {a} vs program {b}")


def grab(pattern, s, what):
    m = re.search(pattern, s, re.M)
    if not m:
        fail(f"{what}: not found in the hand computation's output")
        return None
    return float(m.group(1))


def feature(layer, area):
    with open(os.path.join(outdir, layer + ".geojson"), encoding="utf-8") as f:
        for ft in json.load(f)["features"]:
            if ft["properties"]["area_id"] == area:
                return ft["properties"]
    fail(f"{layer}.geojson: no feature {area}")
    return {}


if "plan-p1" in outputs and os.path.exists(ws):
    s = outputs["plan-p1"]
    js = json.loads(subprocess.run(
        [nbl, "plans", "compare", ws, "-f", "json"], check=True,
        stdout=subprocess.PIPE).stdout)
    row = next(r for r in js if r["plan_id"] == "P1" and r["indicator"] == "lab")
    num = r"(-?\d+\.\d+)"
    near(grab(r"^P1 lab 2018: .* = " + num + "$", s, "P1 baseline"),
         row["baseline"], 0.0051, "P1 lab baseline")
    near(grab(r"^P1 lab 2024: .* = " + num + "$", s, "P1 latest"),
         row["latest"], 0.0051, "P1 lab latest")
    near(grab(r"^change .* = " + num + "$", s, "P1 change"),
         row["change"], 0.0051, "P1 lab change")
    near(grab(r"^comparison: .*change " + num + "$", s, "comparison"),
         row["comparison_change"], 0.0051, "P1 lab comparison change")
    near(grab(r"^did .* = " + num + "$", s, "did"), row["did"], 0.0051,
         "P1 lab did")
if "criteria-sk04" in outputs and os.path.exists(ws):
    s = outputs["criteria-sk04"]
    p = feature("areas", "SK-04")
    for key, pat in (("lab", r"^lab .* = (\d+\.\d+) %"),
                     ("cri_ratio", r"^cri .*ratio (\d+\.\d+)"),
                     ("edu", r"^edu .* = (\d+\.\d+) %"),
                     ("inc", r"^inc .* = (\d+\.\d+) % of"),
                     ("eth", r"^eth .* = (\d+\.\d+) %"),
                     ("pop", r"^size (\d+)")):
        near(grab(pat, s, "SK-04 " + key), p.get(key), 0.0051,
             "SK-04 2024 " + key)
    m = re.search(r"at the lower thresholds\): (\w+)$", s, re.M)
    if not m or m.group(1) != p.get("category"):
        fail(f"SK-04 2024 category: hand {m and m.group(1)} vs program "
             f"{p.get('category')}")
if "safety-sk09" in outputs and os.path.exists(ws):
    s = outputs["safety-sk09"]
    p = feature("safety", "SK-09")
    for key, label in (("perceived", "perceived"), ("problems", "problems"),
                       ("registered", "registered"),
                       ("safety_index", "index")):
        near(grab(r"^" + label + r" .* = (\d+\.\d)$", s, "SK-09 " + key),
             p.get(key), 0.051, "SK-09 2024 " + key)

# ---- 3. the command reference ---------------------------------------------
m = re.search(r"<!-- commands -->\n(.*?)<!-- /commands -->", text, re.S)
ref = fenced(m.group(1)) if m else None
if not ref:
    fail("no <!-- commands --> block")
    ref = []
entries = []
for line in ref:
    if line.startswith("nabolag "):
        entries.append(line)
    elif entries and line.startswith(" "):
        entries[-1] += " " + line.strip()
listed = set()
for e in entries:
    words = []
    for tok in e.split()[1:]:
        if not re.fullmatch(r"[a-z]+", tok):
            break
        words.append(tok)
    listed.add(" ".join(words))
    p = subprocess.run([nbl] + words + ["--help"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    help_text = p.stdout.decode("utf-8")
    if p.returncode != 0:
        fail(f"nabolag {' '.join(words)} --help: exit {p.returncode}")
    if "usage: nabolag " + " ".join(words) not in help_text:
        fail(f"nabolag {' '.join(words)} --help: no usage line on stdout")
    for opt in sorted(set(re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", e))):
        if not re.search(r"(?<![\w-])" + re.escape(opt) + r"(?![\w-])",
                         help_text):
            fail(f"README lists {opt} for 'nabolag {' '.join(words)}', "
                 "its --help does not")
    # and the other way: every option the --help lists is in the README
    # (a long form counts as listed when its short form is, -l/--layer)
    for line in help_text.splitlines():
        o = re.match(r"\s+(?:(-\w), )?(--[a-z][\w-]*)", line)
        if not o or o.group(2) == "--help":
            continue
        if not any(re.search(r"(?<![\w-])" + re.escape(x) + r"(?![\w-])", e)
                   for x in (o.group(1), o.group(2)) if x):
            fail(f"'nabolag {' '.join(words)} --help' lists {o.group(2)}, "
                 "the README's command reference does not")
    if p.returncode == 0:
        print(f"ok: nabolag {' '.join(words)} --help")
p = subprocess.run([nbl, "--help"], stdout=subprocess.PIPE)
main_help = p.stdout.decode("utf-8")
if p.returncode != 0:
    fail("nabolag --help: exit %d" % p.returncode)
cmds = re.findall(r"^  ([a-z]+)  ", main_help.split("Commands:")[-1], re.M)
if len(cmds) < 9:
    fail("nabolag --help: cannot find its command list")
p = subprocess.run([nbl, "import", "--help"], stdout=subprocess.PIPE,
                   stderr=subprocess.STDOUT)
kinds = re.findall(r"^  ([a-z]+)  ", p.stdout.decode("utf-8"), re.M)
for c in cmds:
    if not any(l == c or l.startswith(c + " ") for l in listed):
        fail(f"command '{c}' of nabolag --help is not in the README's "
             "command reference")
for k in kinds:
    if "import " + k not in listed:
        fail(f"'import {k}' is not in the README's command reference")
for flag in ("--version", "--help"):
    if subprocess.run([nbl, flag], stdout=subprocess.DEVNULL).returncode:
        fail(f"nabolag {flag}: non-zero exit")

# ---- 4. links and the docs index ------------------------------------------
def links(path):
    body = open(path, encoding="utf-8").read()
    body = re.sub(r"```.*?```", "", body, flags=re.S)
    for target in re.findall(r"\]\(([^)\s]+)\)", body):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        yield target.split("#")[0]


for doc in (readme, os.path.join(src, "docs", "README.md")):
    if not os.path.exists(doc):
        fail(f"{doc} missing")
        continue
    for t in links(doc):
        if not os.path.exists(os.path.join(os.path.dirname(doc), t)):
            fail(f"{os.path.relpath(doc, src)}: broken link {t}")
index = os.path.join(src, "docs", "README.md")
if os.path.exists(index):
    linked = set(os.path.normpath(t) for t in links(index))
    for f in sorted(os.listdir(os.path.join(src, "docs"))):
        if f.endswith(".md") and f != "README.md" and f not in linked:
            fail(f"docs/README.md does not list docs/{f}")

if failures:
    print(f"{len(failures)} failure(s)", file=sys.stderr)
    sys.exit(1)
print("README examples: all checks passed")
PY
