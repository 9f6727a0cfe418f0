#!/bin/bash
# labels: cli chromium
# The sample's report in a real browser (headless Chromium, installed by
# scripts/deps.sh; exit 77 = skipped without it):
#   - the charts are there: one SVG chart per criterion and area (5 x 32),
#     the category chart and the map, counted in the HTML;
#   - they render: in the browser's DOM every area label on the map and
#     every chart has a non-empty box, no two labels' boxes overlap, and
#     the screenshot (PNG, decoded here) shows the map's category colours;
#   - nothing overflows: the page's scrollWidth is at most its
#     clientWidth at 1280 and 800 pixels;
#   - it prints: print-to-PDF gives one page per area card and more.
# The PNG and the PDF are kept in $NBL_SCREENSHOT_DIR when that is set, to
# look at.
set -uo pipefail
B=$(command -v chromium || command -v chromium-browser || true)
[ -n "$B" ] || { echo "chromium not installed: skipped"; exit 77; }
N=${NBL_BIN:?}
PY=/usr/bin/python3
T=$(mktemp -d /tmp/nbl-shot.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cr() { timeout 120 "$B" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$T/profile" --no-first-run "$@" 2>>"$T/chromium.log"; }

cp -r "$NBL_SOURCE_DIR/sample-data" "$T/s"
"$N" -q run "$T/s/sample.ini" >/dev/null 2>&1 || fail "sample run"
h="$T/s/out/report.html"
[ -s "$h" ] || fail "no report"

# the charts in the HTML
[ "$(grep -o '<svg class="chart"' "$h" | wc -l)" = 160 ] || fail "criterion charts: $(grep -o '<svg class="chart"' "$h" | wc -l), expected 160"
[ "$(grep -o '<svg class="catchart"' "$h" | wc -l)" = 1 ] || fail "category chart"
[ "$(grep -o '<svg class="map"' "$h" | wc -l)" = 1 ] || fail "map"
[ "$(grep -o '<text class="label"' "$h" | wc -l)" = 32 ] || fail "map labels"
grep -q '<path class="context"' "$h" || fail "context outline ([report] context)"
grep -q '<script' "$h" && fail "the report has a script"

# the DOM as rendered: labels and charts have a box, no overflow
probe() { # $1 width -> "scrollWidth clientWidth labels charts overlaps"
    sed 's#</body>#<script>var d=document.documentElement,l=0,c=0,o=0,bs=[];document.querySelectorAll("text.label").forEach(function(e){var b=e.getBoundingClientRect();if(b.width>0\&\&b.height>0)l++;bs.forEach(function(a){if(a.left<b.right\&\&b.left<a.right\&\&a.top<b.bottom\&\&b.top<a.bottom)o++;});bs.push(b);});document.querySelectorAll("svg.chart,svg.catchart,svg.map").forEach(function(e){var r=e.getBoundingClientRect();if(r.width>50\&\&r.height>20)c++;});document.body.setAttribute("data-probe",d.scrollWidth+" "+d.clientWidth+" "+l+" "+c+" "+o);</script></body>#' \
        "$h" > "$T/probe.html"
    cr --window-size="$1",900 --dump-dom "file://$T/probe.html" |
        grep -o 'data-probe="[^"]*"' | sed 's/data-probe="\(.*\)"/\1/'
}
for w in 1280 800; do
    read -r sw cw labels charts overlaps <<<"$(probe $w)"
    [ -n "${sw:-}" ] || fail "width $w: no DOM from chromium: $(tail -3 "$T/chromium.log")"
    [ "$sw" -le "$cw" ] || fail "width $w: horizontal overflow (scrollWidth $sw > clientWidth $cw)"
    [ "$labels" = 32 ] || fail "width $w: $labels of 32 labels rendered"
    [ "$charts" = 162 ] || fail "width $w: $charts of 162 charts rendered"
    [ "$overlaps" = 0 ] || fail "width $w: $overlaps pairs of map labels overlap"
done

# the screenshot: the map's colours are on it
cr --window-size=1100,2600 --screenshot="$T/report.png" "file://$h" >/dev/null
[ -s "$T/report.png" ] || fail "no screenshot: $(tail -3 "$T/chromium.log")"
$PY - "$T/report.png" <<'PY' || fail "screenshot"
# decoded with GDAL (python3-gdal, a dependency of the build)
import sys
import numpy
from osgeo import gdal
d = open(sys.argv[1], "rb").read(8)
assert d == b"\x89PNG\r\n\x1a\n", "not a PNG"
ds = gdal.Open(sys.argv[1])
assert ds and ds.RasterCount >= 3, "unreadable PNG"
px = numpy.stack([ds.GetRasterBand(i + 1).ReadAsArray() for i in range(3)], axis=-1)
h, w, _ = px.shape
# the categories of 2024 on the map: omdannelse, parallelsamfund, udsat
for name, rgb in (("omdannelse", (153, 52, 4)), ("parallelsamfund", (217, 95, 14)),
                  ("udsat", (254, 153, 41))):
    n = int(numpy.all(px == rgb, axis=-1).sum())
    assert n > 200, "%s colour: %d pixels" % (name, n)
white = int(numpy.all(px == 255, axis=-1).sum())
assert white < 0.97 * w * h, "an almost blank page"
print("screenshot %dx%d: %d%% white" % (w, h, 100 * white // (w * h)))
PY
# printed: at least one page per area card (each starts a page) and more
cr --print-to-pdf="$T/report.pdf" --no-pdf-header-footer "file://$h" >/dev/null
[ -s "$T/report.pdf" ] || fail "no PDF: $(tail -3 "$T/chromium.log")"
# the page tree's root holds the largest /Count: the number of pages
pages=$(grep -ao '/Count [0-9]*' "$T/report.pdf" | awk '$2 > m { m = $2 } END { print m + 0 }')
[ "$pages" -ge 33 ] || fail "PDF: $pages pages, expected at least 33"
if [ -n "${NBL_SCREENSHOT_DIR:-}" ]; then
    mkdir -p "$NBL_SCREENSHOT_DIR" && cp "$T/report.png" "$T/report.pdf" "$NBL_SCREENSHOT_DIR/"
fi
echo "report screenshot: ok ($pages PDF pages)"
