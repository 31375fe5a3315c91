"""A simple honest baseline: drops malformed lines and repeated headers, parses the numbers, normalises the
statuses' spellings and keeps the first row of each id. The statuses themselves are left as they are."""

import csv
import re

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
with open("clean.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
