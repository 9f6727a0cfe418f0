#!/usr/bin/python3
"""Failing allocations (issue 18, point 3), run in the fault-injection build
(cmake --preset fault: ASan + UBSan, NBL_FAULT_INJECTION=ON).

For each of `import areas`, `import stats`, `import incidents`, `compute`,
`alerts -o FILE`, `export -o DIR`, `report -o FILE` and `run` (the sample
project again, on the workspace it made)
on the sample, the command runs with NBL_FAULT_AT=N (the N-th allocation,
ours or SQLite's, fails) for every N from 1 to BOUND, then for SAMPLES more
N spread evenly over the rest of the command's allocations (counted first
with NBL_FAULT_REPORT), and for every N (at most MARKED, spread evenly) of
a stretch the command marks (NBL_FAULT_MARK in the code: the report's
map). Each run must either
  - exit 1 with one "nabolag: ..." message, no sanitizer report (ASan's
    leak checker is on), the workspace's logical content unchanged and
    every output untouched; or
  - succeed with exactly the result of the run without a fault (a failed
    allocation that is handled, e.g. a cache that is skipped).
Anything else (a crash, a leak, exit 2, a half-written output) fails.

Usage: fault_test.py NBL_BIN SOURCE_DIR WORKDIR BOUND SAMPLES
"""
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys

nbl, src, work, bound, samples = sys.argv[1:6]
bound, samples = int(bound), int(samples)
MARKED = 60  # allocations tried at most in a marked stretch
env = dict(os.environ, LC_ALL="C", SOURCE_DATE_EPOCH="1764547200",
           ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99",
           UBSAN_OPTIONS="halt_on_error=1:exitcode=98")
env.pop("NBL_FAULT_AT", None)
failures = []


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    failures.append(msg)


def logical(ws):
    c = sqlite3.connect(ws)
    h = hashlib.sha256()
    for (n,) in c.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT "
            "LIKE 'CREATE VIRTUAL%' AND name NOT IN ('runs', 'sqlite_sequence',"
            " 'sql_statements_log', 'spatialite_history', "
            "'geometry_columns_time') ORDER BY name"):
        h.update(n.encode())
        for r in sorted(repr(r) for r in c.execute(f'SELECT * FROM "{n}"')):
            h.update(r.encode())
    c.close()
    return h.hexdigest()


def files(d):
    """name -> sha256 of every output file under d (not the workspace)."""
    out = {}
    for root, _, names in os.walk(d):
        for n in names:
            if ".sqlite" in n:
                continue
            p = os.path.join(root, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, d)] = hashlib.sha256(f.read()).hexdigest()
    return out


def nabolag(args, extra=None):
    e = dict(env, **(extra or {}))
    return subprocess.run([nbl, "-q"] + args, env=e, capture_output=True,
                          text=True)


W = os.path.join(work, "w")


def restore(state):
    shutil.rmtree(W, ignore_errors=True)
    shutil.copytree(state, W)


def save(name):
    d = os.path.join(work, name)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(W, d)
    return d


# states: s0 the sample run; s1 + an extra year of statistics; s2 computed
os.makedirs(W)
shutil.copytree(os.path.join(src, "sample-data"), os.path.join(W, "s"))
shutil.rmtree(os.path.join(W, "s", "out"), ignore_errors=True)
p = nabolag(["run", os.path.join(W, "s", "sample.ini")])
if p.returncode != 0:
    sys.exit("sample run failed: " + p.stderr)
ws = os.path.join(W, "s", "out", "sample.sqlite")
areas = [r[0] for r in sqlite3.connect(ws).execute("SELECT area_id FROM areas")]
with open(os.path.join(W, "extra.csv"), "w") as f:
    f.write("area_id,year,pop,pop_18_64,noattach_18_64\n")
    for i, a in enumerate(sorted(areas)):
        f.write(f"{a},2025,{1000 + i},{600 + i},{100 + i}\n")
s0 = save("s0")
cmds = [
    # the sample's areas again: an upsert of every area in one transaction
    ("import areas", s0, ["import", "areas", ws,
                          os.path.join(W, "s", "areas.geojson"), "--id",
                          "afd_id", "--name", "navn", "--municipality",
                          "kommune"]),
    ("import stats", s0, ["import", "stats", ws, os.path.join(W, "extra.csv")]),
    # the sample's incidents again: the areas' outlines read for the
    # point-in-polygon index, the counts replaced
    ("import incidents", None, ["import", "incidents", ws,
                                os.path.join(W, "s", "incidents.csv"),
                                "--x-field", "x", "--y-field", "y",
                                "--date-field", "dato", "--category-field",
                                "kategori", "--src-crs", "EPSG:25832"]),
    ("compute", None, ["compute", ws]),
    ("alerts", None, ["alerts", ws, "--year", "2025", "-f", "json", "-o",
                      os.path.join(W, "s", "out", "alerts.json"), "--overwrite"]),
    ("export", None, ["export", ws, "-o", os.path.join(W, "s", "out"),
                      "--year", "2025", "--overwrite"]),
    ("report", None, ["report", ws, "-o", os.path.join(W, "s", "out",
                                                      "report.html"),
                      "--year", "2025", "--overwrite"]),
    # the yearly job again on the workspace it made: every import, compute,
    # alerts, export and report in one transaction, the outputs staged
    ("run", None, ["run", os.path.join(W, "s", "sample.ini")]),
]
total_runs = 0
total_names = []  # one snapshot folder per command, in order
state = s0
for name, _, args in cmds:
    restore(state)
    before_ws, before_files = logical(ws), files(W)
    p = nabolag(args, {"NBL_FAULT_REPORT": "1"})
    if p.returncode != 0:
        sys.exit(f"{name} without a fault failed: {p.stderr}")
    count = [int(l.split()[1]) for l in p.stderr.splitlines()
             if l.startswith("nabolag-fault:")][-1]
    after_ws, after_files = logical(ws), files(W)
    after = save(f"after-{len(total_names)}")
    total_names.append(name)
    ns = list(range(1, min(bound, count) + 1))
    if count > bound and samples > 0:
        step = (count - bound) / samples
        ns += sorted({bound + int(step * (k + 1)) for k in range(samples)})
    # the stretches the command marks (NBL_FAULT_MARK: the report's map,
    # where SpatiaLite's AsSVG crashed): each allocation, or MARKED of
    # them spread evenly, which the sampling above would step over
    # (not again in `run`: the same code, already tried in export/report)
    marked = []
    for l in p.stderr.splitlines() if name != "run" else []:
        if l.startswith("nabolag-fault-mark:"):
            first, last = int(l.split()[2]), int(l.split()[3])
            k = max(1, (last - first + 1 + MARKED - 1) // MARKED)
            marked += [n for n in range(first, last + 1, k) if n not in ns]
    ns += marked
    for n in ns:
        restore(state)
        p = nabolag(args, {"NBL_FAULT_AT": str(n)})
        total_runs += 1
        err = p.stderr.strip()
        lines = err.splitlines()
        if p.returncode == 1:
            if not lines or not lines[-1].startswith("nabolag: ") or \
                    "Sanitizer" in err or "runtime error" in err:
                fail(f"{name} N={n}: exit 1 without one clear message: {err[-600:]}")
            if logical(ws) != before_ws:
                fail(f"{name} N={n}: failed and changed the workspace: {lines[-1:]}")
            if files(W) != before_files:
                fail(f"{name} N={n}: failed and changed an output: {lines[-1:]}")
        elif p.returncode == 0:
            if logical(ws) != after_ws or files(W) != after_files:
                fail(f"{name} N={n}: succeeded with a different result")
        else:
            fail(f"{name} N={n}: exit {p.returncode}: {err[-1500:]}")
    print(f"{name}: {count} allocations; N = 1..{min(bound, count)}, "
          f"{len(ns) - min(bound, count) - len(marked)} sampled beyond and "
          f"{len(marked)} in marked stretches")
    state = after
print(f"{total_runs} runs with a failing allocation")
sys.exit(1 if failures else 0)
