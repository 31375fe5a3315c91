"""Grades predictions.csv (id,price_k) against the held-out prices: prints {"rmse": …} as its last line.

Run by the harness in the run's workspace (read-only), with this file and the answers under /heldout.
A missing or malformed predictions file gets no score: one line on stderr says what is wrong, exit 1.
Usage: python3 -I grade.py [predictions.csv] [answers.csv]
"""

import csv
import json
import math
import sys

OUTPUT = sys.argv[1] if len(sys.argv) > 1 else "predictions.csv"
ANSWERS = sys.argv[2] if len(sys.argv) > 2 else "/heldout/answers.csv"
KEY, COLUMN = "id", "price_k"


def refuse(reason: str) -> None:
    print(f"{OUTPUT}: {reason}", file=sys.stderr)
    sys.exit(1)


with open(ANSWERS, newline="") as handle:
    truth = {row[KEY]: float(row[COLUMN]) for row in csv.DictReader(handle)}
predicted: dict[str, float] = {}
try:
    with open(OUTPUT, newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {KEY, COLUMN} <= set(reader.fieldnames):
            refuse(f"needs the columns {KEY},{COLUMN} (found {reader.fieldnames})")
        for line, row in enumerate(reader, start=2):
            key, text = (row[KEY] or "").strip(), (row[COLUMN] or "").strip()
            if key in predicted:
                refuse(f"{KEY} {key} appears twice")
            try:
                value = float(text)
            except ValueError:
                refuse(f"line {line}: {COLUMN} {text!r} is not a number")
            if not math.isfinite(value):
                refuse(f"line {line}: {COLUMN} {text!r} is not a finite number")
            predicted[key] = value
except FileNotFoundError:
    refuse(f"is missing: write one row per test {KEY} with the columns {KEY},{COLUMN}")
except (csv.Error, UnicodeDecodeError) as error:
    refuse(f"is not a readable CSV ({error})")

missing = [key for key in truth if key not in predicted]
if missing:
    refuse(f"has no prediction for {len(missing)} test {KEY}s (first: {missing[0]})")
extra = [key for key in predicted if key not in truth]
if extra:
    refuse(f"has {len(extra)} {KEY}s that are not test {KEY}s (first: {extra[0]})")
error = math.sqrt(sum((predicted[key] - value) ** 2 for key, value in truth.items()) / len(truth))
print(json.dumps({"rmse": round(error, 4)}))
