#!/usr/bin/python3
"""gen_national.py - deterministic national-scale incident data for the bench.

Writes into OUTDIR (default bench/data):
  areas.geojson   8,000 irregular 24-vertex star-shaped polygons, one per cell
                  of a 100 x 80 grid over Denmark's extent in ETRS89 / UTM 32N
                  (x 440000-900000, y 6050000-6400000); they never overlap.
                  Properties: area_id ("A00001"...), name, municipality.
  areas.wkt.csv   the same as "area_id;wkt" lines (for direct SQL insertion).
  points.csv      N points (default 5,000,000): x,y,date,category; about 90 %
                  inside an area, the rest uniform over the extent; about 1 %
                  with an empty or unusable date.
Stdlib only; the same seed gives byte-identical files.
usage: gen_national.py [OUTDIR] [--points N] [--seed S]
"""
import argparse
import json
import math
import os
import random

X0, X1, Y0, Y1 = 440000.0, 900000.0, 6050000.0, 6400000.0
NX, NY, NV = 100, 80, 24
CATS = ["vold", "indbrud", "tyveri", "haervaerk", "narkotika",
        "trusler", "roeveri", "andet"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", nargs="?", default="bench/data")
    ap.add_argument("--points", type=int, default=5_000_000)
    ap.add_argument("--seed", type=int, default=2026)
    a = ap.parse_args()
    outdir, npts, seed = a.outdir, a.points, a.seed
    os.makedirs(outdir, exist_ok=True)
    rnd = random.Random(seed)
    cw, ch = (X1 - X0) / NX, (Y1 - Y0) / NY
    areas = []
    for j in range(NY):
        for i in range(NX):
            cx = X0 + (i + 0.5) * cw + rnd.uniform(-0.05, 0.05) * cw
            cy = Y0 + (j + 0.5) * ch + rnd.uniform(-0.05, 0.05) * ch
            ring = []
            for k in range(NV):
                a = 2 * math.pi * (k + rnd.uniform(-0.3, 0.3)) / NV
                r = rnd.uniform(0.2, 0.44)
                ring.append((round(cx + r * cw * math.cos(a), 2),
                             round(cy + r * ch * math.sin(a), 2)))
            ring.append(ring[0])
            areas.append(((cx, cy), ring))
    feats = []
    with open(os.path.join(outdir, "areas.wkt.csv"), "w") as f:
        f.write("area_id;wkt\n")
        for n, (_, ring) in enumerate(areas):
            aid = "A%05d" % (n + 1)
            coords = ", ".join("%.2f %.2f" % p for p in ring)
            f.write("%s;MULTIPOLYGON(((%s)))\n" % (aid, coords))
            feats.append({"type": "Feature",
                          "properties": {"area_id": aid, "name": "Area %d" % (n + 1),
                                         "municipality": str(101 + n % 98)},
                          "geometry": {"type": "MultiPolygon",
                                       "coordinates": [[[list(p) for p in ring]]]}})
    with open(os.path.join(outdir, "areas.geojson"), "w") as f:
        json.dump({"type": "FeatureCollection",
                   "crs": {"type": "name", "properties": {
                       "name": "urn:ogc:def:crs:EPSG::25832"}},
                   "features": feats}, f)
    with open(os.path.join(outdir, "points.csv"), "w") as f:
        f.write("x,y,date,category\n")
        buf = []
        for n in range(npts):
            u = rnd.random()
            if u < 0.9:
                (cx, cy), ring = areas[rnd.randrange(len(areas))]
                k = rnd.randrange(NV)
                (ax, ay), (bx, by) = ring[k], ring[k + 1]
                s, t = rnd.random(), rnd.random()
                if s + t > 1:
                    s, t = 1 - s, 1 - t
                x = cx + s * (ax - cx) + t * (bx - cx)
                y = cy + s * (ay - cy) + t * (by - cy)
            else:
                x, y = rnd.uniform(X0, X1), rnd.uniform(Y0, Y1)
            v = rnd.random()
            if v < 0.005:
                d = ""
            elif v < 0.01:
                d = "ukendt"
            else:
                d = "%04d-%02d-%02d" % (rnd.randint(2015, 2024),
                                        rnd.randint(1, 12), rnd.randint(1, 28))
            buf.append("%.1f,%.1f,%s,%s\n" % (x, y, d, CATS[rnd.randrange(8)]))
            if len(buf) >= 100000:
                f.write("".join(buf)); buf = []
        f.write("".join(buf))


if __name__ == "__main__":
    main()
