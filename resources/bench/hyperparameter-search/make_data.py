"""Generates the task's data: sensor readings labelled by a pattern that an RBF-kernel SVM learns well only once
its C and gamma are tuned (its defaults smooth the pattern away).

Deterministic (seeded, standard library only), so the shipped files can be regenerated exactly:
    python3 make_data.py
writes data/train.csv (id,x1,x2,label), data/test.csv (id,x1,x2) and heldout/answers.csv (id,label).
The label is a 4x4 checkerboard over x1 and x2, with 4 % of the labels flipped.
"""

import csv
import random

rng = random.Random(29)


def reading(index: int) -> tuple[list[object], int]:
    x1, x2 = rng.uniform(0, 4), rng.uniform(0, 4)
    label = (int(x1) + int(x2)) % 2
    if rng.random() < 0.04:
        label = 1 - label
    return [f"r{index:05d}", round(x1, 4), round(x2, 4)], label


rows = [reading(index) for index in range(2500)]
train, test = rows[:1500], rows[1500:]
FEATURES = ["id", "x1", "x2"]
with open("data/train.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(FEATURES + ["label"])
    writer.writerows(row + [label] for row, label in train)
with open("data/test.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(FEATURES)
    writer.writerows(row for row, _ in test)
with open("heldout/answers.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["id", "label"])
    writer.writerows([row[0], label] for row, label in test)
