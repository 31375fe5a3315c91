"""A simple honest baseline: seasonal naive, each future day gets the value of the same weekday in the last week."""

import csv

with open("train.csv", newline="") as handle:
    history = [row["orders"] for row in csv.DictReader(handle)]
with open("test.csv", newline="") as handle:
    dates = [row["date"] for row in csv.DictReader(handle)]
last_week = history[-7:]
with open("predictions.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["date", "orders"])
    writer.writerows([date, last_week[index % 7]] for index, date in enumerate(dates))
