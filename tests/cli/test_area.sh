#!/bin/bash
# labels: cli
# `nabolag area WORKSPACE ID`: one area's history on the sample, text
# (Danish by default, English with --lang en) and JSON, checked against
# values computed here from the sample's stats.csv and the categories of
# the independent reference implementation (expected.json); its plans
# (an added plan overlapping P1 is flagged, a running plan "not yet
# judged"); disclosure (a [disclosure] minimum of 645 residents withholds
# Møllestien SK-10 in the years it has fewer: no value, category or alert
# detail for those years, in the text, the JSON and the report's chart);
# an unknown id is an error naming it; -o writes atomically.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
N="$NBL_BIN"
PY=/usr/bin/python3
fail() { echo "FAIL: $*" >&2; exit 1; }
cp -r "$NBL_SOURCE_DIR/sample-data" "$T/s"
"$N" -q run "$T/s/sample.ini" >/dev/null 2>&1 || fail "sample run"
ws="$T/s/out/sample.sqlite"
# a plan over SK-01 2020-2026: overlaps P1 (SK-01, SK-05, 2019-2024)
printf 'plan_id,name,start_year,end_year,areas,target.lab\nP9,Boligsocial indsats Vestervang,2020,2026,SK-01,38\n' > "$T/p9.csv"
"$N" -q import plans "$ws" "$T/p9.csv" || fail "import P9"
"$N" -q compute "$ws" >/dev/null || fail compute

"$N" area "$ws" SK-04 > "$T/da.txt" || fail "area text"
"$N" --lang en area "$ws" SK-04 > "$T/en.txt" || fail "area text en"
"$N" area "$ws" SK-01 -f json > "$T/01.json" || fail "area json"
"$N" area "$ws" SK-01 > "$T/01.txt" || fail "area text SK-01"
printf '[disclosure]\nmin_residents_publish = 645\n' > "$T/disc.ini"
"$N" area "$ws" SK-10 --config "$T/disc.ini" > "$T/10.txt" || fail "area SK-10"
"$N" area "$ws" SK-10 --config "$T/disc.ini" -f json > "$T/10.json" || fail "area SK-10 json"
"$N" -q report "$ws" --config "$T/disc.ini" -o "$T/r.html" || fail "report"

$PY - "$T" "$T/s" <<'PY' || fail "area values"
import csv, json, re, sys
T, S = sys.argv[1], sys.argv[2]
st = {}
for r in csv.DictReader(open(S + "/stats.csv", encoding="utf-8")):
    st[(r["area_id"], int(r["year"]))] = {k: float(v) if v.strip() else None
                                          for k, v in r.items() if k not in ("area_id", "year")}
ref = json.load(open(S + "/expected.json", encoding="utf-8"))["areas"]
def share(a, y, n, d):
    r = st.get((a, y))
    return None if not r or r[n] is None or not r[d] else 100 * r[n] / r[d]
def lab(a, y):
    s = [share(a, t, "noattach_18_64", "pop_18_64") for t in (y - 1, y)]
    return None if None in s else sum(s) / 2
def da(v, dec=1):
    s = "%.*f" % (dec, v)
    i, _, f = s.partition(".")
    g = ""
    while len(i) > 3:
        g = "." + i[-3:] + g
        i = i[:-3]
    return i + g + ("," + f if f else "")
labels = {"udsat": "Udsat boligområde", "forebyggelse": "Forebyggelsesområde",
          "none": "Ikke på listen", "not_evaluable": "Kan ikke vurderes",
          "omdannelse": "Omdannelsesområde", "parallelsamfund": "Parallelsamfund"}
# SK-04 text: one row per year 2024..2017: residents, lab (met: '*'),
# edu, eth, category
txt = open(T + "/da.txt", encoding="utf-8").read()
assert txt.startswith("Engparken (SK-04), kommune 999\n2024: Udsat boligområde"), txt[:80]
rows = [l for l in txt.splitlines() if re.match(r"^20\d\d ", l)]
assert [int(l[:4]) for l in rows] == list(range(2024, 2016, -1)), rows
for l in rows:
    y = int(l[:4]); f = l.split()
    assert f[1] == da(st[("SK-04", y)]["pop"], 0), (y, f)
    v = lab("SK-04", y)
    want = "–" if v is None else da(v) + ("*" if v > 40 else "")
    assert f[2] == want, (y, f[2], want)
    assert f[4] == da(share("SK-04", y, "basic_edu_30_59", "pop_30_59")), (y, f)
    assert f[6] == da(share("SK-04", y, "nonwestern", "pop")), (y, f)
    assert l.endswith(labels[ref["SK-04"][str(y)]["category"]]), (y, l)
assert "lab = Uden for arbejdsmarkedet eller uddannelse" in txt
en = open(T + "/en.txt", encoding="utf-8").read()
assert en.startswith("Engparken (SK-04), municipality 999\n2024: Udsat boligområde"), en[:80]
e24 = [l.split() for l in en.splitlines() if l.startswith("2024 ")][0]
assert e24[1:3] == ["1602", "%.1f*" % lab("SK-04", 2024)], e24
assert "Alerts:" in en and "threshold" in en
# SK-01 JSON: every year's lab and edu, category as the reference
j = json.load(open(T + "/01.json", encoding="utf-8"))
assert j["area_id"] == "SK-01" and j["thresholds"]["lab"] == 40
for e in j["years"]:
    y = e["year"]
    v = lab("SK-01", y)
    got = e["criteria"]["lab"]
    assert (v is None and got["value"] is None and got["status"] == "missing") or \
        abs(got["value"] - v) < 0.006, (y, got, v)
    assert abs(e["criteria"]["edu"]["value"] - share("SK-01", y, "basic_edu_30_59", "pop_30_59")) < 0.006
    assert e["category"] == ref["SK-01"][str(y)]["category"], (y, e["category"])
    assert e["residents"] == st[("SK-01", y)]["pop"]
# plans: P1 judged (target lab 43 met), P9 runs until 2026, they overlap
pl = {p["plan_id"]: p for p in j["plans"]}
assert sorted(pl) == ["P1", "P9"], sorted(pl)
assert pl["P1"]["judged"] and pl["P1"]["overlaps"] == ["P9"] and pl["P9"]["overlaps"] == ["P1"]
l1 = [i for i in pl["P1"]["indicators"] if i["indicator"] == "lab"][0]
assert l1["target"] == 43 and l1["target_met"] is True, l1
l9 = [i for i in pl["P9"]["indicators"] if i["indicator"] == "lab"][0]
assert not pl["P9"]["judged"] and l9["target"] == 38 and l9["target_met"] is None, l9
t01 = open(T + "/01.txt", encoding="utf-8").read()
assert "P9), 2020–2026; mål lab 38,0: ikke vurderet endnu; overlapper med P1" in t01, t01
assert "P1), 2019–2024; mål lab 43,0: nået" in t01
# SK-10 withheld where it has fewer than 645 residents
t10 = open(T + "/10.txt", encoding="utf-8").read()
for l in [l for l in t10.splitlines() if re.match(r"^20\d\d ", l)]:
    y = int(l[:4]); pop = st[("SK-10", y)]["pop"]
    f = l.split()
    if pop < 645:
        assert f[1:] == ["·"] * 10, (y, l)
    else:
        assert f[1] == da(pop, 0) and "·" not in l, (y, l)
assert "færre end 645 beboere" in t10, t10
assert "tryghedsindeks" not in t10.split("Varsler:")[1], t10
j10 = json.load(open(T + "/10.json", encoding="utf-8"))
for e in j10["years"]:
    if st[("SK-10", e["year"])]["pop"] < 645:
        assert e["withheld"] and e["residents"] is None and e["category"] is None
        assert all(c["value"] is None and c["status"] == "suppressed" for c in e["criteria"].values())
        assert e["safety_index"] is None and e["profile_points"] is None
assert all(a["kind"] == "withheld" for a in j10["alerts"] if a["year"] == 2024), j10["alerts"]
for a in j10["alerts"]:
    assert not re.search(r"\d+,\d|%", a["message"]), a
# the report: SK-10's charts have a marked gap for each withheld year and
# points only for the others
h = open(T + "/r.html", encoding="utf-8").read()
card = re.search(r'<section class="card" id="area-SK-10">(.*?)</section>', h, re.S).group(1)
gaps = set(int(y) for y in re.findall(r'<rect class="gap" data-year="(\d+)"', card))
want = {y for y in range(2017, 2025) if st[("SK-10", y)]["pop"] < 645}
assert gaps == want, (gaps, want)
pts = set(int(y) for y in re.findall(r'<circle class="pt[^"]*" data-year="(\d+)"', card))
assert not pts & want and pts, pts
assert card.count('<text class="gap"') == 5 * len(want)
print("area: ok")
PY
# unknown id: exit 1, one line naming it; nothing written with -o
rc=0; out=$("$N" area "$ws" SK-99 -o "$T/x.txt" 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -q "no area with id 'SK-99'" <<<"$out" || fail "unknown id: $rc $out"
[ ! -e "$T/x.txt" ] || fail "output left for an unknown id"
rc=0; "$N" area "$ws" 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "missing ID: exit $rc"
rc=0; "$N" area "$ws" SK-01 -f xml 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "bad format: exit $rc"
"$N" -q area "$ws" SK-01 -f json -o "$T/o.json" || fail "-o"
cmp -s "$T/o.json" "$T/01.json" || fail "-o differs from stdout"
rc=0; "$N" -q area "$ws" SK-01 -o "$T/o.json" 2>/dev/null || rc=$?
[ "$rc" = 1 ] || fail "existing output overwritten without --overwrite"
"$N" area --help | grep -q "usage: nabolag area WORKSPACE ID" || fail help
"$N" --help | grep -q "^  area" || fail "area not in the command list"
grep -qi "$(printf 'g%s' hetto)" "$T/da.txt" "$T/en.txt" "$T/01.json" && fail "forbidden word"
echo "area: all checks passed"
