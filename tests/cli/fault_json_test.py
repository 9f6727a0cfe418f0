#!/usr/bin/python3
"""A failed JSON addition ends the command, never a document with a key
missing (run in the fault-injection build, cmake --preset fault).

jansson allocates inside libjansson, which the fault build does not wrap,
so its allocations cannot be failed through NBL_FAULT_AT; every addition
to a document goes through util/jsondoc.c, and NBL_FAULT_JSON=N fails the
N-th of them (the insert is refused as jansson refuses one it cannot
allocate). For each command that writes a JSON document - `alerts -f json`
and `-f geojson`, `plans compare -f json` and `-f geojson`, `area -f json`,
`info`, and `export` (the provenance of every layer) - the additions are
counted first (NBL_FAULT_REPORT), then N runs over 1..BOUND, SAMPLES more
spread over the rest, and the last one. Each run must exit 1 with the one
line "nabolag: out of memory", no sanitizer report (ASan's leak checker is
on), and no output: the -o file absent, the export folder empty, nothing
on stdout. A run that exits 0 wrote a document with a part missing.

Usage: fault_json_test.py NBL_BIN SOURCE_DIR WORKDIR BOUND SAMPLES
"""
import os
import shutil
import sqlite3
import subprocess
import sys

nbl, src, work, bound, samples = sys.argv[1:6]
bound, samples = int(bound), int(samples)
env = dict(os.environ, LC_ALL="C", SOURCE_DATE_EPOCH="1764547200",
           ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99",
           UBSAN_OPTIONS="halt_on_error=1:exitcode=98")
for k in ("NBL_FAULT_AT", "NBL_FAULT_JSON", "NBL_FAULT_REPORT"):
    env.pop(k, None)
failures = []


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    failures.append(msg)


def nabolag(args, extra=None):
    e = dict(env, **(extra or {}))
    return subprocess.run([nbl, "-q", "--lang", "en"] + args, env=e,
                          capture_output=True, text=True)


S = os.path.join(work, "s")
shutil.copytree(os.path.join(src, "sample-data"), S)
shutil.rmtree(os.path.join(S, "out"), ignore_errors=True)
p = nabolag(["run", os.path.join(S, "sample.ini")])
if p.returncode != 0:
    sys.exit("sample run failed: " + p.stderr)
ws = os.path.join(S, "out", "sample.sqlite")
OUT = os.path.join(work, "o")  # every output goes here, empty before a run
doc = os.path.join(OUT, "doc")
area = sqlite3.connect(ws).execute(
    "SELECT area_id FROM areas ORDER BY area_id").fetchone()[0]
cmds = [
    ("alerts -f json", ["alerts", ws, "-f", "json", "-o", doc]),
    ("alerts -f geojson", ["alerts", ws, "-f", "geojson", "-o", doc]),
    ("plans compare -f json", ["plans", "compare", ws, "-f", "json", "-o",
                               doc]),
    ("plans compare -f geojson", ["plans", "compare", ws, "-f", "geojson",
                                  "-o", doc]),
    ("area -f json", ["area", ws, area, "-f", "json", "-o", doc]),
    ("info", ["info", ws]),
    ("export", ["export", ws, "-o", os.path.join(OUT, "x")]),
]


def fresh():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)


def left():
    return sorted(os.path.relpath(os.path.join(r, n), OUT)
                  for r, _, ns in os.walk(OUT) for n in ns)


total = 0
for name, args in cmds:
    fresh()
    p = nabolag(args, {"NBL_FAULT_REPORT": "1"})
    if p.returncode != 0:
        sys.exit(f"{name} without a fault failed: {p.stderr}")
    line = [l for l in p.stderr.splitlines()
            if l.startswith("nabolag-fault:")][-1]
    count = int(line.split()[3])  # "nabolag-fault: N allocations, M JSON ..."
    if count < 5:
        fail(f"{name}: only {count} JSON additions counted: {line}")
        continue
    ns = list(range(1, min(bound, count) + 1))
    if count > bound and samples > 0:
        step = (count - bound) / samples
        ns += [bound + int(step * (k + 1)) for k in range(samples)]
    ns = sorted(set(ns + [count]))
    for n in ns:
        fresh()
        p = nabolag(args, {"NBL_FAULT_JSON": str(n)})
        total += 1
        err = p.stderr.strip()
        if p.returncode == 0:
            fail(f"{name} N={n}: exit 0 - a document with a part missing")
        elif p.returncode != 1:
            fail(f"{name} N={n}: exit {p.returncode}: {err[-1500:]}")
        elif err != "nabolag: out of memory":
            fail(f"{name} N={n}: not one 'out of memory' line: {err[-600:]}")
        if left():
            fail(f"{name} N={n}: output left behind: {left()}")
        if p.stdout:
            fail(f"{name} N={n}: wrote to stdout: {p.stdout[:200]!r}")
    print(f"{name}: {count} JSON additions; N = 1..{min(bound, count)}, "
          f"{len(ns) - min(bound, count)} more up to the last")
print(f"{total} runs with a failing JSON addition")
sys.exit(1 if failures else 0)
