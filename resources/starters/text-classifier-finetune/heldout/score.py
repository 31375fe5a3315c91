"""Scores /workspace/predictions.csv (id,label) against the held-out labels; prints one JSON line.

Run by the harness, never by the agent: this file and the labels are mounted read-only at /heldout for
the evaluation only. A missing or unreadable predictions file exits 1 with the reason.
"""

import csv
import json
import sys

PREDICTIONS = "/workspace/predictions.csv"

with open("/heldout/test_labels.csv", newline="") as handle:
    gold = {row["id"]: row["label"] for row in csv.DictReader(handle)}
try:
    with open(PREDICTIONS, newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"id", "label"} <= set(reader.fieldnames):
            sys.exit(f"{PREDICTIONS} needs the columns id,label (found {reader.fieldnames}).")
        predicted = {row["id"]: row["label"].strip() for row in reader}
except FileNotFoundError:
    sys.exit(f"No {PREDICTIONS}: write one row per test id with the predicted label.")

missing = [key for key in gold if key not in predicted]
labels = sorted(set(gold.values()))
right = sum(predicted.get(key) == label for key, label in gold.items())
f1s = []
for label in labels:
    tp = sum(predicted.get(key) == label and truth == label for key, truth in gold.items())
    fp = sum(predicted.get(key) == label and truth != label for key, truth in gold.items())
    fn = sum(predicted.get(key) != label and truth == label for key, truth in gold.items())
    f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
print(f"scored {len(gold)} test rows; {len(missing)} without a prediction")
print(json.dumps({"accuracy": round(right / len(gold), 4), "macro_f1": round(sum(f1s) / len(f1s), 4)}))
