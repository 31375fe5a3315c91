"""Generates the task's data: a telecom customer table, labelled churned (yes) or stayed (no).

Deterministic (seeded, standard library only), so the shipped files can be regenerated exactly:
    python3 make_data.py
writes data/train.csv (with the label), data/test.csv (without it) and heldout/answers.csv (id,churn).
Churn depends on the contract, the internet service and the payment method as much as on the numbers,
and some values are missing (empty cells).
"""

import csv
import math
import random

rng = random.Random(11)
CONTRACTS = {"month-to-month": 1.4, "one-year": -0.4, "two-year": -1.6}
INTERNET = {"fiber": 0.9, "dsl": -0.2, "none": -1.0}
PAYMENT = {"electronic-check": 0.8, "mailed-check": 0.0, "bank-transfer": -0.4, "credit-card": -0.5}
COLUMNS = ["id", "age", "tenure_months", "monthly_charges", "support_calls", "contract", "internet",
           "payment_method", "paperless_billing"]


def customer(index: int) -> tuple[dict[str, str], str]:
    contract = rng.choices(list(CONTRACTS), weights=[5, 3, 2])[0]
    internet = rng.choices(list(INTERNET), weights=[4, 4, 2])[0]
    payment = rng.choice(list(PAYMENT))
    tenure = max(1, int(rng.expovariate(1 / 24))) if contract == "month-to-month" else rng.randint(6, 72)
    base = {"fiber": 85.0, "dsl": 55.0, "none": 25.0}[internet]
    charges = round(max(15.0, rng.gauss(base, 12.0)), 2)
    calls = min(9, int(rng.expovariate(1 / 1.5)))
    age = rng.randint(18, 85)
    paperless = rng.random() < 0.6
    score = (CONTRACTS[contract] + INTERNET[internet] + PAYMENT[payment] - 0.045 * tenure
             + 0.45 * max(0, calls - 2) + 0.012 * (charges - 60) + (0.3 if paperless else 0.0)
             + (0.8 if internet == "fiber" and calls >= 3 else 0.0) + (0.5 if age > 70 else 0.0) - 0.1)
    churn = "yes" if rng.random() < 1 / (1 + math.exp(-3.0 * score)) else "no"
    row = {"id": f"c{index:05d}", "age": str(age), "tenure_months": str(tenure), "monthly_charges": f"{charges:.2f}",
           "support_calls": str(calls), "contract": contract, "internet": internet, "payment_method": payment,
           "paperless_billing": "yes" if paperless else "no"}
    for column in ("age", "monthly_charges", "payment_method"):
        if rng.random() < 0.06:
            row[column] = ""
    return row, churn


rows = [customer(index) for index in range(3000)]
train, test = rows[:2000], rows[2000:]
with open("data/train.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(COLUMNS + ["churn"])
    writer.writerows([row[column] for column in COLUMNS] + [label] for row, label in train)
with open("data/test.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(COLUMNS)
    writer.writerows([row[column] for column in COLUMNS] for row, _ in test)
with open("heldout/answers.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["id", "churn"])
    writer.writerows([row["id"], label] for row, label in test)
