"""Grades predictions.csv (id,label) against the held-out answers: prints {"accuracy": …} as its last line.

Run by the harness in the run's workspace (read-only), with this file and the answers under /heldout.
A missing or malformed predictions file gets no score: one line on stderr says what is wrong, exit 1.
Usage: python3 -I grade.py [predictions.csv] [answers.csv]
"""

import csv
import json
import sys

OUTPUT = sys.argv[1] if len(sys.argv) > 1 else "predictions.csv"
ANSWERS = sys.argv[2] if len(sys.argv) > 2 else "/heldout/answers.csv"
COLUMN = "label"


def refuse(reason: str) -> None:
    print(f"{OUTPUT}: {reason}", file=sys.stderr)
    sys.exit(1)


with open(ANSWERS, newline="") as handle:
    truth = {row["id"]: row[COLUMN] for row in csv.DictReader(handle)}
labels = set(truth.values())
try:
    with open(OUTPUT, newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"id", COLUMN} <= set(reader.fieldnames):
            refuse(f"needs the columns id,{COLUMN} (found {reader.fieldnames})")
        predicted: dict[str, str] = {}
        for row in reader:
            key, value = (row["id"] or "").strip(), (row[COLUMN] or "").strip()
            if key in predicted:
                refuse(f"id {key} appears twice")
            predicted[key] = value
except FileNotFoundError:
    refuse(f"is missing: write one row per test id with the columns id,{COLUMN}")
except (csv.Error, UnicodeDecodeError) as error:
    refuse(f"is not a readable CSV ({error})")

missing = [key for key in truth if key not in predicted]
if missing:
    refuse(f"has no prediction for {len(missing)} test ids (first: {missing[0]})")
extra = [key for key in predicted if key not in truth]
if extra:
    refuse(f"has {len(extra)} ids that are not test ids (first: {extra[0]})")
unknown = sorted({value for value in predicted.values() if value not in labels})
if unknown:
    refuse(f"has labels that are not {sorted(labels)}: {unknown[:3]}")
right = sum(predicted[key] == label for key, label in truth.items())
print(json.dumps({"accuracy": round(right / len(truth), 4)}))
