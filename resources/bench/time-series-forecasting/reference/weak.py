"""The trivial answer: every future day gets the last observed value."""

import csv

with open("train.csv", newline="") as handle:
    last = [row["orders"] for row in csv.DictReader(handle)][-1]
with open("test.csv", newline="") as handle:
    dates = [row["date"] for row in csv.DictReader(handle)]
with open("predictions.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["date", "orders"])
    writer.writerows([date, last] for date in dates)
