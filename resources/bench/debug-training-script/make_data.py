"""Generates the task's data: lab measurements of wines, labelled good or ordinary by a tasting panel.

Deterministic (seeded, standard library only), so the shipped files can be regenerated exactly:
    python3 make_data.py
writes data/train.csv (id, six measurements, quality), data/test.csv (without quality) and
heldout/answers.csv (id,quality). The measurements have very different scales, and a wine is good when
its alcohol is high and its free sulfur in a middle range, or when it is rich in sulphates and dry;
the panel got 4 % of the labels wrong.
"""

import csv
import random

rng = random.Random(41)
FEATURES = ["alcohol", "acidity", "sulphates", "sugar_g_l", "sulfur_mg_l", "chlorides"]


def wine(index: int) -> tuple[list[object], str]:
    alcohol = rng.uniform(8.5, 14.5)
    acidity = rng.uniform(2.8, 4.0)
    sulphates = rng.uniform(0.3, 2.0)
    sugar = rng.uniform(0.5, 60.0)
    sulfur = rng.uniform(5.0, 300.0)
    chlorides = rng.uniform(0.01, 0.2)
    good = (alcohol > 11.5 and 70 < sulfur < 200) or (sulphates > 1.3 and sugar < 20)
    if rng.random() < 0.04:
        good = not good
    values = [round(alcohol, 2), round(acidity, 3), round(sulphates, 3), round(sugar, 1), round(sulfur, 1),
              round(chlorides, 4)]
    return [f"w{index:05d}", *values], "good" if good else "ordinary"


rows = [wine(index) for index in range(2400)]
train, test = rows[:1600], rows[1600:]
with open("data/train.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["id", *FEATURES, "quality"])
    writer.writerows(row + [label] for row, label in train)
with open("data/test.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["id", *FEATURES])
    writer.writerows(row for row, _ in test)
with open("heldout/answers.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["id", "quality"])
    writer.writerows([row[0], label] for row, label in test)
