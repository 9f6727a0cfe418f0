#!/usr/bin/python3
"""Prints the nabolag run id each output in a folder carries, one line per
file ("<id>"; "MISSING <file>" when a file carries none), read with real
parsers: json for GeoJSON/JSON, ElementTree for .qgs, html.parser for the
report, csv for CSV alert lists. Styles (.qml) carry no id and are skipped;
so are the workspace and hidden files. Usage: run_ids.py DIR [FILE...]"""
import csv
import json
import os
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser


class Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.run_id = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and a.get("name") == "nabolag-run-id":
            self.run_id = a.get("content")


def run_id(path):
    name = os.path.basename(path)
    if name.endswith(".geojson") or name.endswith(".json"):
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        return (d.get("nabolag") or {}).get("run_id") or d.get("run_id")
    if name.endswith(".qgs"):
        e = ET.parse(path).getroot().find("./properties/nabolag/run_id")
        return e.text if e is not None else None
    if name.endswith(".html"):
        m = Meta()
        with open(path, encoding="utf-8") as f:
            m.feed(f.read())
        return m.run_id
    if name.endswith(".csv"):
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        ids = {r.get("run_id") for r in rows}
        return ids.pop() if len(ids) == 1 else None
    if name.endswith(".txt"):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("Run "):
                    return line[4:].strip()
        return None
    return "skip"


def main():
    d = sys.argv[1]
    files = sys.argv[2:] or sorted(os.listdir(d))
    for n in files:
        p = os.path.join(d, n)
        if n.startswith(".") or n.endswith((".qml", ".sqlite", "-wal", "-shm")) \
                or not os.path.isfile(p):
            continue
        try:
            r = run_id(p)
        except Exception as e:  # a broken file is no run's
            r = None
            print(f"BROKEN {n}: {e}", file=sys.stderr)
        if r == "skip":
            continue
        print(r if r is not None else f"MISSING {n}")


main()
