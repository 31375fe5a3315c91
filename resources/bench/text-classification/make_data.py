"""Generates the task's data: customer-support messages routed to a team (billing, technical, shipping, account).

Deterministic (seeded, standard library only), so the shipped files can be regenerated exactly:
    python3 make_data.py
writes data/train.csv (id,text,team), data/test.csv (id,text) and heldout/answers.csv (id,team).
Each message names its problem with two-word phrases whose words are shared by every team ("card
update" is billing, "card error" technical): single words say little, word pairs say a lot. A few
messages carry a telling word of their own team, or of another, and 4 % were routed to a wrong team.
"""

import csv
import random

rng = random.Random(5)
TEAMS = ["billing", "technical", "shipping", "account"]
WEIGHTS = [0.34, 0.27, 0.22, 0.17]
SUBJECTS = ["card", "account", "order", "password", "screen", "payment", "delivery", "login", "battery",
            "invoice", "address", "app"]
ISSUES = ["update", "error", "charge", "reset", "status", "change", "problem", "request", "number", "history",
          "limit", "setting"]
HINTS = {"billing": ["refund", "overcharged", "receipt"], "technical": ["crash", "frozen", "bug"],
         "shipping": ["courier", "parcel", "tracking"], "account": ["profile", "username", "locked"]}
OPENERS = ["hi,", "hello,", "hey team,", "good morning,", "", "urgent:", "quick question:"]
LINKS = ["and also", "plus", "then", "and now", "after that", "along with"]
CLOSERS = ["please help", "thanks", "can you check", "what should i do", "", "any idea?", "still waiting"]

pairs = [(subject, issue) for subject in SUBJECTS for issue in ISSUES]
rng.shuffle(pairs)
phrases: dict[str, list[str]] = {team: [] for team in TEAMS}
for index, (subject, issue) in enumerate(pairs):
    phrases[TEAMS[index % len(TEAMS)]].append(f"{subject} {issue}")


def message(team: str) -> str:
    first, second = rng.sample(phrases[team], 2)
    words = [rng.choice(OPENERS), "my", first, rng.choice(LINKS), "the", second]
    if rng.random() < 0.3:
        hinted = team if rng.random() < 0.7 else rng.choice(TEAMS)
        words.append(f"({rng.choice(HINTS[hinted])})")
    words.append(rng.choice(CLOSERS))
    return " ".join(word for word in words if word)


rows = []
for index in range(2100):
    team = rng.choices(TEAMS, weights=WEIGHTS)[0]
    text = message(team)
    # A few messages were routed by hand to the wrong team, in training and test alike.
    if rng.random() < 0.04:
        team = rng.choice([other for other in TEAMS if other != team])
    rows.append((f"m{index:05d}", text, team))
train, test = rows[:1400], rows[1400:]
with open("data/train.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["id", "text", "team"])
    writer.writerows(train)
with open("data/test.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["id", "text"])
    writer.writerows(row[:2] for row in test)
with open("heldout/answers.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["id", "team"])
    writer.writerows((row[0], row[2]) for row in test)
