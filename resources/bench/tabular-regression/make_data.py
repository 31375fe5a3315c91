"""Generates the task's data: house sales with their prices in thousands.

Deterministic (seeded, standard library only), so the shipped files can be regenerated exactly:
    python3 make_data.py
writes data/train.csv (with price_k), data/test.csv (without it) and heldout/answers.csv (id,price_k).
Prices grow with the area but by a factor that depends on the neighbourhood and the condition, and fall
with age until a house is old enough to be "historic"; some values are missing (empty cells).
"""

import csv
import math
import random

rng = random.Random(23)
NEIGHBOURHOODS = {"harbour": 1.55, "old-town": 1.35, "riverside": 1.2, "university": 1.1, "midtown": 1.0,
                  "station": 0.9, "industrial": 0.7, "outskirts": 0.6}
CONDITIONS = {"poor": 0.75, "fair": 0.9, "good": 1.0, "excellent": 1.18}
COLUMNS = ["id", "neighbourhood", "area_m2", "bedrooms", "bathrooms", "year_built", "lot_m2", "garage",
           "condition"]


def house(index: int) -> tuple[dict[str, str], float]:
    place = rng.choice(list(NEIGHBOURHOODS))
    area = round(max(35.0, rng.lognormvariate(math.log(110), 0.35)), 1)
    bedrooms = max(1, min(6, round(area / 35 + rng.gauss(0, 0.7))))
    bathrooms = max(1, min(4, round(bedrooms / 2 + rng.gauss(0, 0.5))))
    year = rng.randint(1890, 2022)
    lot = round(area * rng.uniform(1.2, 6.0) * (0.5 if place in ("harbour", "old-town") else 1.0))
    garage = rng.random() < 0.55
    condition = rng.choices(list(CONDITIONS), weights=[1, 3, 4, 2])[0]
    age = 2024 - year
    age_factor = 1.0 - 0.004 * min(age, 80) + (0.25 if age > 100 else 0.0)
    price = (2.2 * area ** 1.1 * NEIGHBOURHOODS[place] * CONDITIONS[condition] * age_factor
             + 0.02 * lot + (18 if garage else 0) + 9 * bathrooms)
    price = round(price * rng.lognormvariate(0, 0.06), 1)
    row = {"id": f"h{index:05d}", "neighbourhood": place, "area_m2": f"{area}", "bedrooms": str(bedrooms),
           "bathrooms": str(bathrooms), "year_built": str(year), "lot_m2": str(lot),
           "garage": "yes" if garage else "no", "condition": condition}
    for column in ("lot_m2", "year_built", "condition"):
        if rng.random() < 0.04:
            row[column] = ""
    return row, price


rows = [house(index) for index in range(2400)]
train, test = rows[:1600], rows[1600:]
with open("data/train.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(COLUMNS + ["price_k"])
    writer.writerows([row[column] for column in COLUMNS] + [price] for row, price in train)
with open("data/test.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(COLUMNS)
    writer.writerows([row[column] for column in COLUMNS] for row, _ in test)
with open("heldout/answers.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["id", "price_k"])
    writer.writerows([row["id"], price] for row, price in test)
