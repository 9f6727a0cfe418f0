#!/usr/bin/python3
"""gen_grid.py - deterministic national-scale grid statistics for the bench.

Writes OUTDIR/grid_100m.csv (default bench/data): 430,000 distinct populated
100 m kvadratnet cells (Danmarks Statistik's count of populated 100 m cells
is about that) drawn over Denmark's extent in EPSG:25832 (x 440000-900000,
y 6050000-6400000, the extent of gen_national.py's 8,000 areas), half of
them near the areas' centres so that most areas get cells, the rest uniform;
11 years (2014-2024) in the wide layout

    cell_id,year,pop,pop_18_64
    100m_61756_7195,2014,37,21

rows sorted by year, then cell (so the first quarter of the file holds all
cells of the first years). About 2 % of the values are suppressed ('..').
About 4.73 M rows. Stdlib only; the same seed gives byte-identical files.
usage: gen_grid.py [OUTDIR] [--cells N] [--seed S]
"""
import argparse
import os
import random
import sys

X0, X1, Y0, Y1 = 440000, 900000, 6050000, 6400000
NX, NY = 100, 80  # gen_national.py's grid of areas
YEARS = list(range(2014, 2025))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", nargs="?", default="bench/data")
    ap.add_argument("--cells", type=int, default=430_000)
    ap.add_argument("--seed", type=int, default=2027)
    a = ap.parse_args()
    outdir, ncells, seed = a.outdir, a.cells, a.seed
    os.makedirs(outdir, exist_ok=True)
    rnd = random.Random(seed)
    cw, ch = (X1 - X0) / NX, (Y1 - Y0) / NY
    cells = set()
    while len(cells) < ncells:
        if rnd.random() < 0.5:  # near an area's centre
            cx = X0 + (rnd.randrange(NX) + 0.5) * cw + rnd.gauss(0, cw / 6)
            cy = Y0 + (rnd.randrange(NY) + 0.5) * ch + rnd.gauss(0, ch / 6)
        else:
            cx, cy = rnd.uniform(X0, X1), rnd.uniform(Y0, Y1)
        e, n = int(cx // 100), int(cy // 100)
        if X0 // 100 <= e < X1 // 100 and Y0 // 100 <= n < Y1 // 100:
            cells.add((n, e))
    cells = sorted(cells)
    base = {c: int(rnd.lognormvariate(3.0, 1.0)) + 1 for c in cells}
    path = os.path.join(outdir, "grid_100m.csv")
    with open(path, "w") as f:
        f.write("cell_id,year,pop,pop_18_64\n")
        for y in YEARS:
            buf = []
            for (n, e) in cells:
                pop = max(0, base[(n, e)] + rnd.randint(-2, 2))
                adults = (pop * rnd.randint(50, 70)) // 100
                if rnd.random() < 0.02:
                    buf.append(f"100m_{n}_{e},{y},..,..\n")
                else:
                    buf.append(f"100m_{n}_{e},{y},{pop},{adults}\n")
            f.write("".join(buf))
    print(f"{path}: {len(cells)} cells x {len(YEARS)} years", file=sys.stderr)


if __name__ == "__main__":
    main()
