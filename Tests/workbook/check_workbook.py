#!/usr/bin/env python3
"""Opens Homeward's workbooks with openpyxl (an independent reader) and checks every sheet against
the CSV file it comes from, cell by cell: numbers as numbers with the same value, text as text
with the same characters, the header row frozen and bold, plus the manifest sheet.

Usage: check_workbook.py WORKBOOK RESULTS_DIR
"""
import csv
import json
import math
import sys

import openpyxl

TABLES = [("summary.csv", "Summary"), ("compare.csv", "Compare"), ("schemes.csv", "Schemes"), ("sweep.csv", "Sweep"),
          ("monthly.csv", "Monthly"), ("daily.csv", "Daily"), ("sensitivity.csv", "Sensitivity"), ("inputs.csv", "Inputs")]


def fail(message):
    print("check_workbook: " + message, file=sys.stderr)
    sys.exit(1)


def decode(text):
    """Undoes the CSV writer's neutralisation of formula-like text."""
    if len(text) >= 2 and text[0] == "'" and text[1] in "=+-@\t\r'":
        return text[1:]
    return text


def main():
    book_path, folder = sys.argv[1], sys.argv[2]
    book = openpyxl.load_workbook(book_path)
    checked = 0
    import os
    for file, sheet in TABLES:
        path = os.path.join(folder, file)
        if not os.path.exists(path):
            if sheet in book.sheetnames:
                fail("%s has sheet %s but the folder has no %s" % (book_path, sheet, file))
            continue
        if sheet not in book.sheetnames:
            fail("%s lacks the sheet %s for %s" % (book_path, sheet, file))
        ws = book[sheet]
        if ws.freeze_panes != "A2":
            fail("%s: sheet %s: header not frozen (%r)" % (book_path, sheet, ws.freeze_panes))
        with open(path, newline="", encoding="utf-8") as f:
            rows = [r for r in csv.reader(f)]
        header = rows[0]
        added_unit = "metric" in header and "unit" not in header
        got_rows = list(ws.iter_rows(values_only=True))
        if len(got_rows) != len(rows):
            fail("%s: sheet %s has %d rows, %s has %d" % (book_path, sheet, len(got_rows), file, len(rows)))
        for c in ws[1]:
            if c.value is not None and not c.font.b:
                fail("%s: sheet %s: header cell %s not bold" % (book_path, sheet, c.coordinate))
        for i, (want, got) in enumerate(zip(rows, got_rows)):
            got = list(got)
            if added_unit:
                m = header.index("metric")
                unit = got.pop(m + 1)
                if i == 0 and unit != "unit":
                    fail("%s: sheet %s: expected a unit column after metric, got %r" % (book_path, sheet, unit))
            got = got + [None] * (len(want) - len(got))
            for j, w in enumerate(want):
                g = got[j]
                where = "%s!%s%d" % (sheet, openpyxl.utils.get_column_letter(j + 1), i + 1)
                if w == "":
                    if g not in (None, ""):
                        fail("%s: %s should be empty, is %r" % (book_path, where, g))
                    continue
                try:
                    x = float(w)
                    is_number = i > 0 and all(ch in "0123456789+-.eE" for ch in w) and math.isfinite(x)
                except ValueError:
                    is_number = False
                if is_number:
                    if not isinstance(g, (int, float)) or isinstance(g, bool):
                        fail("%s: %s should be the number %s, is %r" % (book_path, where, w, g))
                    if g != x:
                        fail("%s: %s is %r, the CSV has %s" % (book_path, where, g, w))
                else:
                    if g != decode(w):
                        fail("%s: %s is %r, the CSV has %r" % (book_path, where, g, w))
                checked += 1
    if "Manifest" not in book.sheetnames:
        fail("%s has no Manifest sheet" % book_path)
    fields = {r[0]: r[1] for r in book["Manifest"].iter_rows(min_row=2, values_only=True)}
    for doc in ["sweep.json", "compare.json", "schemes.json", "summary.json"]:
        p = os.path.join(folder, doc)
        if os.path.exists(p):
            manifest = json.load(open(p, encoding="utf-8"))["manifest"]
            for key in ("homewardVersion", "scenarioHash", "seed"):
                if key in manifest and fields.get(key) != manifest[key]:
                    fail("%s: Manifest %s is %r, %s says %r" % (book_path, key, fields.get(key), doc, manifest[key]))
            break
    print("check_workbook: %s: %d sheets, %d cells agree with the CSV files" % (book_path, len(book.sheetnames), checked))


main()
