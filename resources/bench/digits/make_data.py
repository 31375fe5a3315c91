"""Writes the task's data: the 8x8 handwritten digits scikit-learn ships (1797 images), as CSV pixel columns.

Deterministic (a seeded shuffle), so the shipped files can be regenerated exactly in the sandbox image:
    python3 make_data.py
writes data/train.csv (id,label,p0…p63), data/test.csv (id,p0…p63) and heldout/answers.csv (id,label).
Pixel pN is row N // 8, column N % 8 of the image, an intensity from 0 to 16.
"""

import csv
import random

from sklearn.datasets import load_digits

digits = load_digits()
order = list(range(len(digits.target)))
random.Random(17).shuffle(order)
rows = [(f"d{index:04d}", int(digits.target[index]), [int(value) for value in digits.data[index]]) for index in order]
train, test = rows[:1000], rows[1000:]
PIXELS = [f"p{index}" for index in range(64)]
with open("data/train.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["id", "label"] + PIXELS)
    writer.writerows([key, label] + pixels for key, label, pixels in train)
with open("data/test.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["id"] + PIXELS)
    writer.writerows([key] + pixels for key, _, pixels in test)
with open("heldout/answers.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["id", "label"])
    writer.writerows([key, label] for key, label, _ in test)
