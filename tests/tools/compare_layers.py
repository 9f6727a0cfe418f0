#!/usr/bin/python3
"""Compares a layer written by `nabolag export` in some format with the same
layer written as GeoJSON (the reference), through GDAL.

usage: compare_layers.py REF.geojson DATASOURCE LAYER [--short-names]

Checks: the same number of features (matched by their key: area_id or
plan_id, year, kind, rule, start_year; FlatGeobuf's spatial index orders
features along a curve); every field of the
reference present (under its Shapefile name with --short-names, computed
here from the rules documented in docs/formats.md, independently of the
C code), with the same value in every feature (a Shapefile's strings cut
at its 254 bytes where longer; nulls kept as nulls, reals
to 1e-9 relative, booleans as 0/1, dates as YYYY-MM-DD); the geometry,
transformed to WGS 84, within 1e-6 degrees of the reference's vertices
(compared as sorted sets: a Shapefile's rings run clockwise, RFC 7946's
counter-clockwise).
Prints one line per difference (the first 20) and exits 1 if any.
"""
import sys

from osgeo import ogr, osr

ogr.UseExceptions()

# docs/formats.md, "Shapefile field names"
SUFFIXES = [("_comparison_change", "_cchg"), ("_target_met", "_tmet"),
            ("_baseline", "_base"), ("_latest", "_last"),
            ("_change", "_chg"), ("_status", "_st"), ("_points", "_pts"),
            ("_target", "_tgt"), ("_label", "_lbl"), ("_version", "_ver"),
            ("_index", "_idx"), ("_year", "_yr"), ("_band", "_bnd"),
            ("_ref", "_ref"), ("_did", "_did"), ("_met", "_met"),
            ("_sd", "_sd")]
WORDS = [("safety_index", "saf_idx"), ("municipality", "municip"),
         ("category", "cat"), ("profile", "prof"), ("criteria", "crit"),
         ("ruleset", "rs"), ("baseline", "base")]


def shorten(name, limit=10):
    if len(name) <= limit:
        return name
    suf = ""
    for long, short in SUFFIXES:
        if name.endswith(long) and len(name) > len(long):
            suf, name = short, name[:-len(long)]
            break
    parts = name.split("_")
    out, i = [], 0
    while i < len(parts):  # whole words, longest first in table order
        for long, short in WORDS:
            n = long.count("_") + 1
            if "_".join(parts[i:i + n]) == long:
                out.append(short)
                i += n
                break
        else:
            out.append(parts[i])
            i += 1
    base = "_".join(out)
    if len(base) + len(suf) > limit:
        base = base[:max(limit - len(suf), 0)]
    base = base.rstrip("_") if len(base) > 1 else base
    return (base + suf)[:limit]


def short_names(names, limit=10):
    out = []
    for n in names:
        s = shorten(n, limit)
        k = 2
        while s.lower() in (o.lower() for o in out) and k < 1000:
            num = "_%d" % k
            t = s[:limit - len(num)] + num if len(s) + len(num) > limit \
                else s + num
            if t.lower() not in (o.lower() for o in out):
                s = t
                break
            k += 1
        out.append(s)
    return out


def value(f, i):
    if not f.IsFieldSetAndNotNull(i):
        return None
    d = f.GetFieldDefnRef(i)
    t = d.GetType()
    if t in (ogr.OFTDate, ogr.OFTDateTime):
        y, m, dd = f.GetFieldAsDateTime(i)[:3]
        return "%04d-%02d-%02d" % (y, m, dd)
    if t == ogr.OFTString:
        s = f.GetFieldAsString(i)
        if d.GetSubType() == ogr.OFSTBoolean or s in ("true", "false"):
            return {"true": 1, "false": 0}.get(s, s)
        return s
    if t == ogr.OFTReal:
        return f.GetFieldAsDouble(i)
    return f.GetFieldAsInteger64(i)


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        try:
            a, b = float(a), float(b)
        except (TypeError, ValueError):
            return False
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return a == b


def points(g):
    out = []
    if g is None:
        return out
    if g.GetGeometryCount() == 0:
        out.extend(g.GetPoints() or [])
    for i in range(g.GetGeometryCount()):
        out.extend(points(g.GetGeometryRef(i)))
    return out


def main():
    ref_path, src, layer = sys.argv[1:4]
    short = "--short-names" in sys.argv[4:]
    errs = []
    ref = ogr.Open(ref_path)
    rl = ref.GetLayer(0)
    ds = ogr.Open(src)
    tl = ds.GetLayerByName(layer)
    if tl is None:
        print("FAIL: %s: no layer %s" % (src, layer))
        return 1
    rdef, tdef = rl.GetLayerDefn(), tl.GetLayerDefn()
    rnames = [rdef.GetFieldDefn(i).GetName()
              for i in range(rdef.GetFieldCount())]
    tnames = [tdef.GetFieldDefn(i).GetName()
              for i in range(tdef.GetFieldCount())]
    want = short_names(rnames) if short else rnames
    if tnames != want:
        errs.append("%s: fields %s, expected %s" % (layer, tnames, want))
    wgs = osr.SpatialReference()
    wgs.ImportFromEPSG(4326)
    wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    tsrs = tl.GetSpatialRef()
    ct = None
    if tsrs is not None:
        tsrs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        ct = osr.CoordinateTransformation(tsrs, wgs)
    keys = [k for k in ("area_id", "plan_id", "year", "kind", "rule",
                        "start_year") if k in rnames]

    def key(f, names):
        return tuple(str(value(f, names.index(k))) for k in keys)
    rfeats = sorted(rl, key=lambda f: key(f, rnames))
    # the test layer's fields under their reference names
    tlong = [rnames[want.index(n)] if n in want else n for n in tnames]
    tfeats = sorted(tl, key=lambda f: key(f, tlong))
    if len(rfeats) != len(tfeats):
        errs.append("%s: %d features, expected %d"
                    % (layer, len(tfeats), len(rfeats)))
    for n, (rf, tf) in enumerate(zip(rfeats, tfeats)):
        for i, name in enumerate(rnames):
            j = tdef.GetFieldIndex(want[i])
            if j < 0:
                continue
            a, b = value(rf, i), value(tf, j)
            # a dBase string holds 254 bytes: GDAL cuts longer ones (and
            # warns, which the export passes on)
            if short and isinstance(a, str) and isinstance(b, str) and \
                    len(a.encode()) > 254 and len(b.encode()) <= 254 and \
                    a.encode().startswith(b.encode()):
                continue
            if not same(a, b):
                errs.append("%s: feature %d: %s: %r, expected %r"
                            % (layer, n, want[i], b, a))
        rg, tg = rf.GetGeometryRef(), tf.GetGeometryRef()
        if (rg is None) != (tg is None):
            errs.append("%s: feature %d: geometry missing" % (layer, n))
            continue
        if tg is not None:
            tg = tg.Clone()
            if ct is not None:
                tg.Transform(ct)
            rp, tp = sorted(points(rg)), sorted(points(tg))
            if len(rp) != len(tp) or any(
                    abs(p[0] - q[0]) > 1e-6 or abs(p[1] - q[1]) > 1e-6
                    for p, q in zip(rp, tp)):
                errs.append("%s: feature %d: geometry differs" % (layer, n))
    for e in errs[:20]:
        print("FAIL: " + e)
    if len(errs) > 20:
        print("FAIL: ... and %d more" % (len(errs) - 20))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
