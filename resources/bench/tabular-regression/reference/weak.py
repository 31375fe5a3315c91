"""The trivial answer: every house gets the mean price of the training set."""

import csv

with open("train.csv", newline="") as handle:
    prices = [float(row["price_k"]) for row in csv.DictReader(handle)]
with open("test.csv", newline="") as handle:
    ids = [row["id"] for row in csv.DictReader(handle)]
with open("predictions.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["id", "price_k"])
    writer.writerows([key, round(sum(prices) / len(prices), 1)] for key in ids)
