"""Generates the task's data: weather-station readings exported badly, and the clean table they came from.

Deterministic (seeded, standard library only), so the shipped files can be regenerated exactly:
    python3 make_data.py
writes data/readings.csv (the broken export) and heldout/clean_answers.csv (the true clean table).
The status of a reading follows from its temperature and humidity (heat = temperature_c + 0.12 *
humidity_pct: normal below 33, warning below 40, alarm from 40). The export then broke it:
  - 8 % of the statuses are wrong (a neighbouring status: normal and warning, or warning and alarm);
  - statuses are spelt inconsistently (Normal, WARNING, " alarm ", warn, ...);
  - numbers carry units or a decimal comma (31.2C, "31,2", 54%, 1012.5 hPa);
  - 100 readings appear twice, half of them formatted differently the second time;
  - there are malformed lines: readings cut short (wrong column count) whose full line is also there,
    and the header repeated in the middle.
"""

import csv
import random

rng = random.Random(13)
COLUMNS = ["id", "station", "temperature_c", "humidity_pct", "pressure_hpa", "status"]
STATUSES = ["normal", "warning", "alarm"]
SPELLINGS = {"normal": ["Normal", "NORMAL", " normal", "normal "], "warning": ["Warning", "WARNING", "warn", "Warn "],
             "alarm": ["Alarm", "ALARM", " alarm ", "alarm!"]}


def status_of(temperature: float, humidity: float) -> str:
    heat = temperature + 0.12 * humidity
    return "normal" if heat < 33 else "warning" if heat < 40 else "alarm"


truth = []
for index in range(900):
    temperature, humidity = round(rng.uniform(15, 40), 1), round(rng.uniform(20, 95), 1)
    truth.append({"id": f"s{index:04d}", "station": rng.choice("ABCDE"), "temperature_c": f"{temperature}",
                  "humidity_pct": f"{humidity}", "pressure_hpa": f"{round(rng.gauss(1013, 8), 1)}",
                  "status": status_of(temperature, humidity)})


def exported(record: dict[str, str], noisy: bool) -> dict[str, str]:
    row = dict(record)
    if noisy:
        position = STATUSES.index(row["status"])
        row["status"] = STATUSES[1] if position != 1 else rng.choice([STATUSES[0], STATUSES[2]])
    if rng.random() < 0.2:
        row["status"] = rng.choice(SPELLINGS[row["status"]])
    for column, unit in (("temperature_c", "C"), ("humidity_pct", "%"), ("pressure_hpa", " hPa")):
        draw = rng.random()
        if draw < 0.06:
            row[column] += unit
        elif draw < 0.1:
            row[column] = row[column].replace(".", ",")
    return row


noisy_ids = set(rng.sample([record["id"] for record in truth], round(0.08 * len(truth))))
lines = [[*exported(record, record["id"] in noisy_ids).values()] for record in truth]
for record in rng.sample(truth, 100):
    if rng.random() < 0.5:
        copy = next(line for line in lines if line[0] == record["id"])
    else:
        copy = [*exported(record, record["id"] in noisy_ids).values()]
    lines.insert(rng.randrange(len(lines) + 1), list(copy))
for record in rng.sample(truth, 25):
    line = next(line for line in lines if line[0] == record["id"])
    lines.insert(rng.randrange(len(lines) + 1), line[: rng.randint(2, 5)])
for _ in range(3):
    lines.insert(rng.randrange(1, len(lines)), list(COLUMNS))
with open("data/readings.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(COLUMNS)
    writer.writerows(lines)
with open("heldout/clean_answers.csv", "w", newline="") as handle:
    writer = csv.DictWriter(handle, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(truth)
