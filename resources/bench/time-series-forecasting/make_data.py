"""Generates the task's data: daily orders of a shop, with a trend, a weekly and a yearly cycle, and noise.

Deterministic (seeded, standard library only), so the shipped files can be regenerated exactly:
    python3 make_data.py
writes data/train.csv (date,orders: three years of days), data/test.csv (the next 56 dates) and
heldout/answers.csv (date,orders for those dates).
"""

import csv
import datetime
import math
import random

rng = random.Random(3)
START = datetime.date(2021, 1, 4)
TRAIN_DAYS, HORIZON = 3 * 364, 56
WEEKLY = [0.0, -4.0, -6.0, -3.0, 8.0, 26.0, 18.0]  # Monday … Sunday


def orders(day: int) -> float:
    date = START + datetime.timedelta(days=day)
    trend = 120 + 0.045 * day
    yearly = 14 * math.sin(2 * math.pi * (date.timetuple().tm_yday - 80) / 365.25)
    return round(trend + yearly + WEEKLY[date.weekday()] + rng.gauss(0, 6), 1)


series = [(START + datetime.timedelta(days=day), orders(day)) for day in range(TRAIN_DAYS + HORIZON)]
with open("data/train.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["date", "orders"])
    writer.writerows((date.isoformat(), value) for date, value in series[:TRAIN_DAYS])
with open("data/test.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["date"])
    writer.writerows([date.isoformat()] for date, _ in series[TRAIN_DAYS:])
with open("heldout/answers.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["date", "orders"])
    writer.writerows((date.isoformat(), value) for date, value in series[TRAIN_DAYS:])
