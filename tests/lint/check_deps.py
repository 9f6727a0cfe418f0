#!/usr/bin/python3
"""Checks the include graph of src/ against the pipeline's layering.

Every '#include "..."' line of src/ and include/nabolag/ is read. A file in
src/<folder>/ belongs to that folder's layer; it may include headers of its
own folder, of the folders listed for it in ALLOWED, and the public API
(include/nabolag/). The public headers may include only each other. The
model stays pure C: no SQLite, SpatiaLite, GDAL/OGR, PROJ, GEOS or libcurl
header. Only src/store/ includes sqlite3.h or spatialite.h.

A cycle among the modules (a module is a .c file with the .h of the same
name; a .c depends on the module of every header it includes) is an error
too. Each problem is printed as file:line: reason; exit 1 if any.
Usage: check_deps.py SOURCE_DIR
"""
import os
import re
import sys

# Downwards only: cli -> run -> {import, compute, publish} -> store -> model
# -> util. publish may use compute (the export's plans layer runs the plan
# comparison); import and compute do not know each other.
ALLOWED = {
    "util": set(),
    "model": {"util"},
    "store": {"model", "util"},
    "import": {"store", "model", "util"},
    "compute": {"store", "model", "util"},
    "publish": {"compute", "store", "model", "util"},
    "run": {"import", "compute", "publish", "store", "model", "util"},
    "cli": {"run", "import", "compute", "publish", "store", "model", "util"},
}
# Headers of the build tree (generated) belong to util.
GENERATED = {"nbl_version.h": "util"}
IMPURE = re.compile(r"^(sqlite3|spatialite|gdal|ogr_|cpl_|proj|geos|curl)")
STORE_ONLY = re.compile(r"^(sqlite3|spatialite)")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def layer_of(rel):
    """Layer of a path relative to the source dir, or None."""
    parts = rel.split("/")
    if parts[0] == "include":
        return "api"
    if parts[0] == "src" and len(parts) == 3 and parts[1] in ALLOWED:
        return parts[1]
    return None


def main(top):
    problems = []
    files = []
    for base in ("src", "include"):
        for root, _, names in os.walk(os.path.join(top, base)):
            for n in sorted(names):
                if n.endswith((".c", ".h")):
                    files.append(os.path.relpath(os.path.join(root, n), top))
    deps = {}
    for rel in sorted(files):
        me = layer_of(rel)
        if me is None:
            problems.append(f"{rel}:1: not in a stage folder of src/ "
                            f"({', '.join(ALLOWED)}) nor include/nabolag/")
            continue
        module = rel[:-2]
        with open(os.path.join(top, rel), encoding="utf-8") as f:
            for ln, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                kind, name = m.groups()
                if kind == "<":
                    if me == "model" and IMPURE.match(name):
                        problems.append(f"{rel}:{ln}: the model includes "
                                        f"<{name}>: it must stay pure C")
                    elif STORE_ONLY.match(name) and me != "store":
                        problems.append(f"{rel}:{ln}: <{name}> outside "
                                        f"src/store/")
                    continue
                if name in GENERATED:
                    target = GENERATED[name]
                elif name.startswith("nabolag/"):
                    target = "api"
                    dep = "include/" + name
                else:
                    target = name.split("/")[0] if "/" in name else None
                    dep = "src/" + name
                if target is None or (target not in ALLOWED
                                      and target != "api"):
                    problems.append(f'{rel}:{ln}: "{name}": include headers '
                                    f'as "<stage>/<name>.h"')
                    continue
                if me == "api" and target != "api":
                    problems.append(f'{rel}:{ln}: public header includes '
                                    f'private "{name}"')
                elif me != "api" and target not in ("api", me) \
                        and target not in ALLOWED[me]:
                    problems.append(f'{rel}:{ln}: upward include: {me} may '
                                    f'not include {target} ("{name}")')
                if name not in GENERATED:
                    deps.setdefault(module, set()).add((dep[:-2], rel, ln))
    # cycles among modules (DFS)
    graph = {m: {d for d, _, _ in v if d != m} for m, v in deps.items()}
    where = {(m, d): (r, ln) for m, v in deps.items() for d, r, ln in v}
    state, stack = {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                cyc = stack[stack.index(d):] + [d]
                r, ln = where[(m, d)]
                problems.append(f"{r}:{ln}: include cycle: "
                                + " -> ".join(cyc))
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
