"""The trivial answer: every reading gets the most common label of the training set."""

import csv
from collections import Counter

with open("train.csv", newline="") as handle:
    majority = Counter(row["label"] for row in csv.DictReader(handle)).most_common(1)[0][0]
with open("test.csv", newline="") as handle:
    ids = [row["id"] for row in csv.DictReader(handle)]
with open("predictions.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["id", "label"])
    writer.writerows([key, majority] for key in ids)
