"""Generates the starter's data: short product reviews labelled positive, negative or neutral.

Deterministic (seeded), so the shipped files can be regenerated exactly:
    python3 make_data.py
writes data/train.csv (text,label), data/test.csv (id,text) and heldout/test_labels.csv (id,label).
"""

import csv
import random

rng = random.Random(7)
items = ["blender", "kettle", "headphones", "backpack", "desk lamp", "keyboard", "tent", "water bottle",
         "phone case", "coffee grinder", "monitor", "running shoes", "toaster", "umbrella", "drill"]
words = {
    "positive": ["excellent", "works perfectly", "love it", "great value", "sturdy", "would buy again",
                 "exceeded my expectations", "fantastic", "very comfortable", "arrived early"],
    "negative": ["broke after a week", "terrible", "waste of money", "stopped working", "flimsy",
                 "returned it", "very disappointed", "cheaply made", "arrived damaged", "awful"],
    "neutral": ["it is okay", "does the job", "nothing special", "as described", "average",
                "fine for the price", "neither good nor bad", "works as expected", "decent", "no complaints, no praise"],
}
openers = ["The {item}", "This {item}", "My new {item}", "Bought this {item}:", "Honestly the {item}"]
fillers = ["for my kitchen", "for travel", "as a gift", "last month", "on sale", "after reading reviews", ""]


def review(label: str) -> str:
    picked = rng.sample(words[label], 2)
    # Some reviews carry a word of another class, so the task is not trivially separable.
    if rng.random() < 0.25:
        other = rng.choice([name for name in words if name != label])
        picked[1] = rng.choice(words[other])
    opener = rng.choice(openers).format(item=rng.choice(items))
    filler = rng.choice(fillers)
    return " ".join(part for part in [opener, filler, picked[0] + ",", picked[1] + "."] if part)


rows = [(review(label), label) for label in words for _ in range(200)]
rng.shuffle(rows)
train, test = rows[:450], rows[450:]

with open("data/train.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["text", "label"])
    writer.writerows(train)
with open("data/test.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["id", "text"])
    writer.writerows((index, text) for index, (text, _) in enumerate(test))
with open("heldout/test_labels.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["id", "label"])
    writer.writerows((index, label) for index, (_, label) in enumerate(test))
