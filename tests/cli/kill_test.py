#!/usr/bin/python3
"""Crash consistency under SIGKILL (issue 18, point 2).

Kills `nabolag import stats` (a generated file) and `nabolag run` (the sample
project, which imports, computes, exports, writes the report and an alert
file) at seeded, reproducible moments spread over each command's measured
duration, and checks after every kill:
  - the workspace opens and PRAGMA integrity_check says ok;
  - its logical content (every table but the run log, rows sorted) equals
    the state before the command or the state after it, never a mix;
  - every output is absent, the old file or a complete new one, and all
    outputs carry one run's id (tests/cli/run_ids.py parses each with a
    real parser); no staging folder is mistaken for an output.
Then the next run must succeed and remove what the killed one left.

Usage: kill_test.py NBL_BIN SOURCE_DIR WORKDIR KILLS ROWS SEED
"""
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

nbl, src, work, kills, rows, seed = sys.argv[1:7]
kills, rows, seed = int(kills), int(rows), int(seed)
rng = random.Random(seed)
run_ids = os.path.join(src, "tests", "cli", "run_ids.py")
env = dict(os.environ, LC_ALL="C")
failures = []


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    failures.append(msg)


def logical(ws):
    """A hash of every table but the run log (and SpatiaLite's own
    clock-stamped bookkeeping), each table's rows sorted."""
    c = sqlite3.connect(ws)
    ok = c.execute("PRAGMA integrity_check").fetchone()[0]
    h = hashlib.sha256()
    names = [r[0] for r in c.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
        "'CREATE VIRTUAL%' AND name NOT IN ('runs', 'sqlite_sequence', "
        "'sql_statements_log', 'spatialite_history', "
        "'geometry_columns_time') ORDER BY name")]
    for n in names:
        h.update(n.encode())
        for r in sorted(repr(r) for r in c.execute(f'SELECT * FROM "{n}"')):
            h.update(r.encode())
    c.close()
    return ok, h.hexdigest()


def run(args, **kw):
    return subprocess.run([nbl, "-q"] + args, env=env, capture_output=True,
                          text=True, **kw)


def timed(args):
    t = time.monotonic()
    p = run(args)
    if p.returncode != 0:
        sys.exit(f"reference run failed: {args}: {p.stderr}")
    return time.monotonic() - t


def kill_at(args, delay):
    """Starts the command, SIGKILLs it after delay seconds; True when the
    kill landed (the command was still running)."""
    p = subprocess.Popen([nbl, "-q"] + args, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        p.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
        return True


def moments(duration):
    """kills moments spread evenly over the duration, each jittered within
    its slot by the seeded generator."""
    return [duration * (k + rng.random()) / kills for k in range(kills)]


# ---- the base: the sample run once, with a year left out ------------------
base = os.path.join(work, "base")
shutil.copytree(os.path.join(src, "sample-data"), base)
shutil.rmtree(os.path.join(base, "out"), ignore_errors=True)
ini = os.path.join(base, "sample.ini")
with open(ini, encoding="utf-8") as f:
    text = f.read()
text = text.replace("[alerts]\n", "[alerts]\noutput = out/alerts.json\nformat = json\n", 1)
with open(ini, "w", encoding="utf-8") as f:
    f.write(text)
full = {}
for name in ("stats.csv", "boligsocial.csv", "survey.csv"):
    p = os.path.join(base, name)
    with open(p, encoding="utf-8") as f:
        full[name] = f.read()
    with open(p, "w", encoding="utf-8") as f:  # run A: without 2024
        f.write("".join(l for l in full[name].splitlines(True)
                        if ",2024," not in l))
p = run(["run", ini])
if p.returncode != 0:
    sys.exit("base run failed: " + p.stderr)
for name, t in full.items():  # run B (the one killed): with 2024
    with open(os.path.join(base, name), "w", encoding="utf-8") as f:
        f.write(t)
ws_rel = os.path.join("out", "sample.sqlite")

# the generated statistics: ROWS rows of declared count variables
c = sqlite3.connect(os.path.join(base, ws_rel))
areas = [r[0] for r in c.execute("SELECT area_id FROM areas ORDER BY 1")]
c.close()
nvars = max(1, rows // (len(areas) * 200) + 1)
with open(os.path.join(work, "vars.ini"), "w") as f:
    for v in range(nvars):
        f.write(f"[variable.gen{v}]\nkind = count\n")
with open(os.path.join(work, "gen.csv"), "w") as f:
    f.write("area_id,year,variable,value\n")
    n = 0
    for y in range(1900, 2100):
        for v in range(nvars):
            for a in areas:
                if n == rows:
                    break
                f.write(f"{a},{y},gen{v},{(n * 7919) % 100000}\n")
                n += 1


def fresh(tag):
    """A copy of the base, always at the same path (the workspace records
    the paths of its inputs). tag only documents the caller."""
    d = os.path.join(work, "w")
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(base, d)
    return d


def outputs(d):
    out = os.path.join(d, "out")
    return sorted(n for n in os.listdir(out)
                  if not n.startswith(".") and not n.endswith((".sqlite", "-wal", "-shm")))


def ids_of(d):
    p = subprocess.run([sys.executable, run_ids, os.path.join(d, "out")],
                       capture_output=True, text=True)
    return p.stdout.split(), p.stderr


ok0, before = logical(os.path.join(base, ws_rel))
ids_before, _ = ids_of(base)
files_before = outputs(base)

# ---- import stats ----------------------------------------------------------
imp = ["import", "stats", None, os.path.join(work, "gen.csv"), "--config",
       os.path.join(work, "vars.ini")]
d = fresh("ref-import")
imp[2] = os.path.join(d, ws_rel)
dur = timed(imp)
_, after = logical(imp[2])
landed = 0
for k, t in enumerate(moments(dur)):
    d = fresh("kill-import")
    imp[2] = os.path.join(d, ws_rel)
    landed += kill_at(imp, t)
    ok, state = logical(imp[2])
    if ok != "ok":
        fail(f"import kill {k} at {t:.2f}s: integrity_check: {ok}")
    if state not in (before, after):
        fail(f"import kill {k} at {t:.2f}s: a state that is neither before nor after")
print(f"import stats: {rows} rows in {dur:.2f}s; {kills} kills, {landed} landed mid-run")

# ---- run -------------------------------------------------------------------
d = fresh("ref-run")
dur = timed(["run", os.path.join(d, "sample.ini")])
_, after = logical(os.path.join(d, ws_rel))
ids_after, _ = ids_of(d)
if len(set(ids_after)) != 1 or set(ids_after) == set(ids_before):
    fail(f"reference run: ids {set(ids_before)} -> {set(ids_after)}")
landed = 0
for k, t in enumerate(moments(dur)):
    d = fresh("kill-run")
    landed += kill_at(["run", os.path.join(d, "sample.ini")], t)
    ok, state = logical(os.path.join(d, ws_rel))
    if ok != "ok":
        fail(f"run kill {k} at {t:.2f}s: integrity_check: {ok}")
    if state not in (before, after):
        fail(f"run kill {k} at {t:.2f}s: workspace neither before nor after")
    ids, err = ids_of(d)
    if err or len(set(ids)) != 1 or outputs(d) != files_before:
        fail(f"run kill {k} at {t:.2f}s: outputs {outputs(d)} carry ids "
             f"{ids} {err.strip()}")
    elif state == before and set(ids) != set(ids_before):
        fail(f"run kill {k} at {t:.2f}s: new outputs beside the old workspace")
    # the next run cleans up and completes
    p = run(["run", os.path.join(d, "sample.ini")])
    if p.returncode != 0:
        fail(f"run kill {k}: the next run failed: {p.stderr}")
    elif os.path.exists(os.path.join(d, "out", ".nabolag-staging")):
        fail(f"run kill {k}: the next run left the staging folder")
print(f"run: {dur:.2f}s; {kills} kills, {landed} landed mid-run")
sys.exit(1 if failures else 0)
