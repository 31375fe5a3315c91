"""Grades clean.csv against the true clean table: prints {"repair_f1": …} as its last line.

A row of clean.csv is right when its id is a true reading's and every field matches it (station and
status exactly, numbers within 0.01). precision = right rows / rows written, recall = true readings
matched / true readings, repair_f1 = their harmonic mean, in [0, 1]. Rows that are still broken
(unparseable numbers, misspelt statuses, duplicates) are simply not right.

Run by the harness in the run's workspace (read-only), with this file and the answers under /heldout.
A missing clean.csv, or one without the columns of the table, gets no score: one line on stderr says
what is wrong, exit 1.
Usage: python3 -I grade.py [clean.csv] [clean_answers.csv]
"""

import csv
import json
import sys

OUTPUT = sys.argv[1] if len(sys.argv) > 1 else "clean.csv"
ANSWERS = sys.argv[2] if len(sys.argv) > 2 else "/heldout/clean_answers.csv"
COLUMNS = ["id", "station", "temperature_c", "humidity_pct", "pressure_hpa", "status"]
NUMBERS = ["temperature_c", "humidity_pct", "pressure_hpa"]


def refuse(reason: str) -> None:
    print(f"{OUTPUT}: {reason}", file=sys.stderr)
    sys.exit(1)


def matches(row: dict[str, str], true: dict[str, str]) -> bool:
    if row.get("station") != true["station"] or row.get("status") != true["status"]:
        return False
    for column in NUMBERS:
        try:
            if abs(float(row.get(column) or "") - float(true[column])) > 0.01:
                return False
        except ValueError:
            return False
    return True


with open(ANSWERS, newline="") as handle:
    truth = {row["id"]: row for row in csv.DictReader(handle)}
try:
    with open(OUTPUT, newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not set(COLUMNS) <= set(reader.fieldnames):
            refuse(f"needs the columns {','.join(COLUMNS)} (found {reader.fieldnames})")
        rows = list(reader)
except FileNotFoundError:
    refuse(f"is missing: write the repaired table with the columns {','.join(COLUMNS)}")
except (csv.Error, UnicodeDecodeError) as error:
    refuse(f"is not a readable CSV ({error})")
if not rows:
    refuse("has no rows")

right, matched = 0, set()
for row in rows:
    key = row.get("id")
    if key in truth and key not in matched and matches(row, truth[key]):
        right += 1
        matched.add(key)
precision, recall = right / len(rows), len(matched) / len(truth)
score = 0.0 if right == 0 else 2 * precision * recall / (precision + recall)
print(f"{len(rows)} rows written, {right} right, {len(truth)} true readings")
print(json.dumps({"repair_f1": round(score, 4)}))
