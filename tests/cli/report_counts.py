#!/usr/bin/python3
"""report_counts.py REPORT.html: checks that the report's "changes since
last year" add up to its category table: for every category (and the
"withheld" row), count this year - count last year = moves in - moves out.
Areas without a result in one year are moves from/to "none_result", which
the table does not count. Exit 1 with the first mismatch."""
import re
import sys

h = open(sys.argv[1], encoding="utf-8").read()
now, before = {}, {}
for cat, n, b in re.findall(
        r'<tr data-cat="([a-z_]+)">.*?<td class="num now">(\d+)</td>'
        r'<td class="num before">(\d+)</td>', h):
    now[cat], before[cat] = int(n), int(b)
if not now:
    sys.exit("no category table with two years")
moves = re.findall(r'<li class="[a-z]+" data-from="([a-z_]+)" '
                   r'data-to="([a-z_]+)">', h)
for cat in now:
    inn = sum(1 for f, t in moves if t == cat)
    out = sum(1 for f, t in moves if f == cat)
    if now[cat] - before[cat] != inn - out:
        sys.exit("%s: %d - %d != %d in - %d out" %
                 (cat, now[cat], before[cat], inn, out))
print("report counts add up: %d categories, %d moves" % (len(now), len(moves)))
