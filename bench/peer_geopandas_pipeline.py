#!/usr/bin/python3
"""peer_geopandas_pipeline.py - the national yearly job the way an analyst
would write it in GeoPandas/pandas: the peer `bench/run_peer.sh` times
`nabolag run` against.

  run   reads the areas (GeoJSON) and the long statistics and references
        (CSV), pivots them to one row per area and year, computes the four
        dk2021 criteria (lab, cri, edu, inc) with eth and size, their
        windows and references as gis/rulesets/dk2021.ini and
        docs/criteria.md define them, the category of every area and year
        (with the not-evaluable reasoning and the omdannelse history), counts
        the incidents per area, year and category by a spatial join (with
        --incidents), and writes the areas layer of the latest year as
        RFC 7946 GeoJSON (areas.geojson) and every area-year's category
        (categories.csv) and the counts (incident_counts.csv) into OUTDIR.
  check compares OUTDIR's categories (and counts, when both have them) with
        a nabolag workspace, area-year by area-year; every mismatch is
        printed with the area and the exit status is 1.

usage:
  peer_geopandas_pipeline.py run AREAS STATS REFS OUTDIR [--incidents CSV]
  peer_geopandas_pipeline.py check OUTDIR WORKSPACE

No validation of the inputs beyond what pandas does on its own (an analyst's
script): the timing is of the job, not of checks. Needs python3-geopandas
and python3-rtree (scripts/deps.sh --bench); run with /usr/bin/python3.
"""
import os
import sqlite3
import sys

import numpy as np

# dk2021 (gis/rulesets/dk2021.ini): threshold, threshold_low, op, window
LAB = (40.0, 30.0, ">", 2)
CRI = (3.0, 2.0, ">=", 2)
EDU = (60.0, 60.0, ">", 1)
INC = (55.0, 65.0, "<", 1)
ETH = (50.0, 30.0, ">", 1)
SIZE = (1000.0, 1000.0, ">=", 1)
NEEDED, FORE_NEEDED, OMDANNELSE_YEARS = 2, 2, 5
# status codes
OK, MISSING, NOT_EVALUABLE = 0, 1, 2
STATUS = np.array(["ok", "missing", "not_evaluable"])
# possible classes of an area-year (bits), as src/model/criteria.c
C_NONE, C_FORE, C_UDSAT, C_PAR, F_OMD = 1, 2, 4, 8, 16


def compare(op, v, t):
    """The law's operators, values within a relative 1e-9 of t equal to it."""
    eq = np.abs(v - t) <= 1e-9 * max(1.0, abs(t))
    if op == ">":
        return (v > t) & ~eq
    if op == ">=":
        return (v > t) | eq
    return (v < t) & ~eq


def col(w, name):
    return w[name].to_numpy(float) if name in w else np.full(len(w), np.nan)


def prev(a, k, first):
    """a shifted k years back within each area (rows: area-major, years
    ascending, the same years for every area); NaN before the first year."""
    out = np.full_like(a, np.nan)
    out[k:] = a[:-k]
    out[first < k] = np.nan
    return out


def yearly_share(w, num, den, share):
    """100 x num / den per row; a row without counts takes the share
    variable (counts win where both exist). Returns (value, status)."""
    n, d, sh = col(w, num), col(w, den), col(w, share)
    status = np.full(len(w), OK)
    v = np.full(len(w), np.nan)
    counted = ~np.isnan(n) & ~np.isnan(d)
    pos = counted & (d > 0)
    v[pos] = 100.0 * n[pos] / d[pos]
    status[counted & ~pos] = NOT_EVALUABLE
    nocount = ~counted
    v[nocount] = sh[nocount]
    status[nocount & np.isnan(sh)] = MISSING
    return v, status


def window(v, status, k, idx):
    """Mean of the k yearly values ending with the year: missing if any year
    is missing, else not evaluable if any is, else the mean."""
    vs, ss = [v], [status]
    for j in range(1, k):
        vs.append(prev(v, j, idx))
        s = prev(status.astype(float), j, idx)
        ss.append(np.where(np.isnan(s), MISSING, s).astype(int))
    st = np.full(len(v), OK)
    for s in ss:
        st = np.where((st == OK) & (s != OK), s, st)
    st = np.where(np.any([s == MISSING for s in ss], axis=0), MISSING, st)
    mean = np.mean(vs, axis=0)
    return np.where(st == OK, mean, np.nan), st


def yearly_mean(tab, total, count, mean):
    """Mean income of a year: total / count, or the mean variable."""
    s, c, m = col(tab, total), col(tab, count), col(tab, mean)
    status = np.full(len(tab), OK)
    v = np.full(len(tab), np.nan)
    both = ~np.isnan(s) & ~np.isnan(c)
    pos = both & (c > 0)
    v[pos] = s[pos] / c[pos]
    status[both & ~pos] = NOT_EVALUABLE
    v[~both] = m[~both]
    status[~both & np.isnan(m)] = MISSING
    return v, status


def criteria(w, refs, year_idx):
    """Every criterion of every area-year of the grid w: dict of
    id -> (value, status, met, met_low) and the cri ratio."""
    import pandas as pd
    out = {}
    for cid, (num, den, share), rule in (
            ("lab", ("noattach_18_64", "pop_18_64", "lab_share"), LAB),
            ("edu", ("basic_edu_30_59", "pop_30_59", "edu_share"), EDU),
            ("eth", ("nonwestern", "pop", "eth_share"), ETH)):
        v, s = window(*yearly_share(w, num, den, share), rule[3], year_idx)
        out[cid] = (v, s, rule, v)
    # cri: the area's 2-year mean share over the country's (scope country)
    v, s = window(*yearly_share(w, "convicted_18p", "pop_18p", "cri_share"),
                  CRI[3], year_idx)
    country = refs[refs.scope == "country"]
    if country.code.nunique() > 1:
        sys.exit("peer: several country codes in the references")
    cy = country.pivot(index="year", columns="variable", values="value")
    cy = cy.reindex(range(cy.index.min() - CRI[3], cy.index.max() + 1))
    cv, cs = yearly_share(cy, "convicted_18p", "pop_18p", "cri_share")
    cw = pd.Series(cv, cy.index).rolling(CRI[3]).mean()
    cw[pd.Series(cs, cy.index).rolling(CRI[3]).max() != OK] = np.nan
    csh = cw.reindex(w.index.get_level_values("year")).to_numpy()
    ratio = v / csh
    bad = (s == OK) & (np.isnan(csh) | (csh <= 0))
    s = np.where(bad, NOT_EVALUABLE, s)
    ratio[s != OK] = np.nan
    out["cri"] = (v, s, CRI, ratio)
    # inc: the area's mean income in percent of its region's (scope region)
    am, ast = yearly_mean(w, "income_15_64", "taxpayers_15_64",
                          "income_mean_15_64")
    reg = refs[refs.scope == "region"].pivot(index=["code", "year"],
                                             columns="variable", values="value")
    rm, rst = yearly_mean(reg, "income_15_64", "taxpayers_15_64",
                          "income_mean_15_64")
    rmean = pd.Series(np.where((rst == OK) & (rm > 0), rm, np.nan), reg.index)
    key = pd.MultiIndex.from_arrays([w["region"].to_numpy(),
                                     w.index.get_level_values("year")])
    rv = rmean.reindex(key).to_numpy()
    v = 100.0 * am / rv
    s = np.where((ast == OK) & np.isnan(rv), NOT_EVALUABLE, ast)
    pct = col(w, "inc_pct")  # the area's percent, when the means fail
    v = np.where(s == OK, v, pct)
    s = np.where((s != OK) & ~np.isnan(pct), OK, s)
    out["inc"] = (np.where(s == OK, v, np.nan), s, INC, v)
    p = col(w, "pop")
    out["size"] = (p, np.where(np.isnan(p), MISSING, OK), SIZE, p)
    res = {}
    for cid, (v, s, (thr, low, op, _), cmpv) in out.items():
        ok = s == OK
        met = np.where(ok, compare(op, np.nan_to_num(cmpv), thr), False)
        mlow = np.where(ok, compare(op, np.nan_to_num(cmpv), low), False)
        res[cid] = (np.where(ok, v, np.nan), s, met, mlow,
                    out[cid][3] if cid == "cri" else None)
    return res


def possible(res):
    """The classes each area-year could have, over every completion of its
    unknown criteria (met -> met_low: every dk2021 lower threshold is laxer)."""
    def can(cid, flag, value):
        _, s, met, low, _ = res[cid]
        known = met if flag == "met" else low
        return (s != OK) | (known == value)
    counted = ("lab", "cri", "edu", "inc")
    k_met = sum((res[c][1] == OK) & res[c][2] for c in counted)
    k_low = sum((res[c][1] == OK) & res[c][3] for c in counted)
    unk = sum(res[c][1] != OK for c in counted)
    size1, size0 = can("size", "met", True), can("size", "met", False)
    mask = np.zeros(len(k_met), int)
    udsat = size1 & (k_met + unk >= NEEDED)
    mask |= np.where(udsat & can("eth", "met", True), C_PAR, 0)
    mask |= np.where(udsat & can("eth", "met", False), C_UDSAT, 0)
    fore = (size1 & can("eth", "low", True) & (k_met < NEEDED)
            & (k_low + unk >= FORE_NEEDED))
    mask |= np.where(fore, C_FORE, 0)
    none = size0 | ((k_met < NEEDED) &
                    (can("eth", "low", False) | (k_low < FORE_NEEDED)))
    mask |= np.where(none, C_NONE, 0)
    return mask, k_met


def categories(mask, year_idx):
    """The category code of every area-year, with the omdannelse history:
    parallelsamfund in each of the last OMDANNELSE_YEARS years."""
    par = np.where(mask == C_PAR, 1.0, np.where(mask & C_PAR, -1.0, 0.0))
    hist = np.ones(len(mask))
    for k in range(1, OMDANNELSE_YEARS):
        p = prev(par, k, year_idx)
        p[np.isnan(p)] = -1.0  # before the data: cannot be decided
        hist = np.where((hist == 0) | (p == 0), 0.0,
                        np.where(p == -1, -1.0, hist))
    final = mask & ~C_PAR
    has_par = (mask & C_PAR) != 0
    final |= np.where(has_par & (hist == 1), F_OMD, 0)
    final |= np.where(has_par & (hist == 0), C_PAR, 0)
    final |= np.where(has_par & (hist == -1), C_PAR | F_OMD, 0)
    names = {F_OMD: "omdannelse", C_PAR: "parallelsamfund",
             C_UDSAT: "udsat", C_FORE: "forebyggelse", C_NONE: "none"}
    cat = np.full(len(mask), "not_evaluable", dtype=object)
    for bit, name in names.items():
        cat[final == bit] = name
    return cat


def incident_counts(path, areas):
    import geopandas as gpd
    import pandas as pd
    pts = pd.read_csv(path, dtype={"date": str, "category": str})
    when = pd.to_datetime(pts["date"], format="%Y-%m-%d", errors="coerce")
    pts = pts[when.notna()].assign(year=when.dt.year)
    gdf = gpd.GeoDataFrame(pts[["year", "category"]],
                           geometry=gpd.points_from_xy(pts.x, pts.y),
                           crs=areas.crs)
    hit = gpd.sjoin(gdf, areas[["area_id", "geometry"]], how="inner",
                    predicate="intersects")
    return (hit.groupby(["area_id", "year", "category"]).size()
            .rename("n").reset_index())


def run(areas_path, stats_path, refs_path, outdir, incidents=None):
    import geopandas as gpd
    import pandas as pd
    areas = gpd.read_file(areas_path)
    stats = pd.read_csv(stats_path, dtype={"area_id": str, "variable": str})
    refs = pd.read_csv(refs_path, dtype={"code": str})
    wide = stats.pivot(index=["area_id", "year"], columns="variable",
                       values="value")
    # one row per area and year, every year (windows look one year back)
    years = range(int(wide.index.get_level_values(1).min()),
                  int(wide.index.get_level_values(1).max()) + 1)
    grid = pd.MultiIndex.from_product(
        [areas.area_id, range(years.start - OMDANNELSE_YEARS, years.stop)],
        names=["area_id", "year"])
    w = wide.reindex(grid)
    w["region"] = np.repeat(areas.region.astype(str).to_numpy(),
                            len(years) + OMDANNELSE_YEARS)
    year_idx = np.tile(np.arange(len(years) + OMDANNELSE_YEARS), len(areas))
    res = criteria(w, refs, year_idx)
    mask, k_met = possible(res)
    cat = categories(mask, year_idx)
    table = pd.DataFrame({"category": cat, "criteria_met": k_met}, index=grid)
    for cid in ("lab", "cri", "edu", "inc", "eth", "size"):
        v, s, met, _, ratio = res[cid]
        table[cid] = v
        table[cid + "_status"] = STATUS[s]
        table[cid + "_met"] = np.where(s == OK, met, None)
        if ratio is not None:
            table["cri_ratio"] = ratio
    table = table[table.index.get_level_values("year") >= years.start]
    os.makedirs(outdir, exist_ok=True)
    table[["category"]].to_csv(os.path.join(outdir, "categories.csv"))
    last = table.xs(years.stop - 1, level="year").reset_index()
    layer = areas.merge(last.rename(columns={"size": "pop"}), on="area_id")
    layer["year"] = years.stop - 1
    if incidents:
        counts = incident_counts(incidents, areas)
        counts.to_csv(os.path.join(outdir, "incident_counts.csv"), index=False)
        n = counts[counts.year == years.stop - 1].groupby("area_id").n.sum()
        layer["incidents"] = layer.area_id.map(n).fillna(0).astype(int)
    dst = os.path.join(outdir, "areas.geojson")
    if os.path.exists(dst):
        os.remove(dst)
    layer.to_crs(4326).to_file(dst, driver="GeoJSON", RFC7946="YES",
                               COORDINATE_PRECISION=7)


def check(outdir, ws):
    """Categories (and incident counts) against the workspace; prints every
    mismatch with its area and year; returns the number of mismatches."""
    import pandas as pd
    db = sqlite3.connect(ws)
    ours = pd.read_sql("SELECT area_id, year, category FROM category_results"
                       " WHERE ruleset = 'dk2021'", db)
    peer = pd.read_csv(os.path.join(outdir, "categories.csv"),
                       dtype={"area_id": str})
    m = ours.merge(peer, on=["area_id", "year"], how="outer",
                   suffixes=("_nabolag", "_peer"), indicator=True)
    bad = m[(m._merge != "both") | (m.category_nabolag != m.category_peer)]
    for r in bad.head(20).itertuples():
        print("MISMATCH area %s year %d: nabolag %s, peer %s"
              % (r.area_id, r.year, r.category_nabolag, r.category_peer))
    print("categories: %d area-years compared, %d differ; nabolag: %s"
          % (len(m), len(bad), ", ".join(
              "%s %d" % kv for kv in ours.category.value_counts().items())))
    nbad = len(bad)
    path = os.path.join(outdir, "incident_counts.csv")
    if os.path.exists(path):
        ic = pd.read_sql("SELECT area_id, year, category, n FROM "
                         "incident_counts", db)
        pc = pd.read_csv(path, dtype={"area_id": str, "category": str})
        m = ic.merge(pc, on=["area_id", "year", "category"], how="outer",
                     suffixes=("_nabolag", "_peer")).fillna(0)
        bad = m[m.n_nabolag != m.n_peer]
        for r in bad.head(20).itertuples():
            print("MISMATCH incidents area %s year %d %s: nabolag %d, peer %d"
                  % (r.area_id, r.year, r.category, r.n_nabolag, r.n_peer))
        print("incident counts: %d cells compared (%d points), %d differ"
              % (len(m), ic.n.sum(), len(bad)))
        nbad += len(bad)
    return nbad


def main(argv):
    if len(argv) >= 5 and argv[0] == "run":
        inc = None
        if len(argv) == 7 and argv[5] == "--incidents":
            inc = argv[6]
        elif len(argv) != 5:
            sys.exit(__doc__)
        run(argv[1], argv[2], argv[3], argv[4], inc)
        return 0
    if len(argv) == 3 and argv[0] == "check":
        return 1 if check(argv[1], argv[2]) else 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
