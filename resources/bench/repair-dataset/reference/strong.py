"""The strong reference: the baseline's repairs, then each status checked against the readings like it: a
status that most of its 9 nearest readings (by temperature and humidity) disagree with is replaced by theirs."""

import csv
import re
from collections import Counter

import numpy as np

COLUMNS = ["id", "station", "temperature_c", "humidity_pct", "pressure_hpa", "status"]
SPELLINGS = {"normal": "normal", "warning": "warning", "warn": "warning", "alarm": "alarm"}


def number(text: str) -> float:
    return float(re.sub(r"[^0-9.\-]", "", text.replace(",", ".")))


rows, seen = [], set()
with open("readings.csv", newline="") as handle:
    for line in list(csv.reader(handle))[1:]:
        if len(line) != len(COLUMNS) or line[0] == "id" or line[0] in seen:
            continue
        key, station, temperature, humidity, pressure, status = line
        status = SPELLINGS[re.sub(r"[^a-z]", "", status.lower())]
        seen.add(key)
        rows.append([key, station, number(temperature), number(humidity), number(pressure), status])

points = np.array([[row[2], row[3]] for row in rows])
points = (points - points.mean(axis=0)) / points.std(axis=0)
statuses = [row[5] for row in rows]
repaired = []
for index, point in enumerate(points):
    distances = np.linalg.norm(points - point, axis=1)
    neighbours = [other for other in np.argsort(distances, kind="stable")[1:10]]
    status, votes = Counter(statuses[other] for other in neighbours).most_common(1)[0]
    repaired.append(status if votes >= 6 else statuses[index])
for row, status in zip(rows, repaired):
    row[5] = status
with open("clean.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
