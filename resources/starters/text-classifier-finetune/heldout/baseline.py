"""The baseline the fine-tune must beat: TF-IDF features and logistic regression, trained on the run's
training CSV and scored on the held-out labels like the attempts; prints one JSON line.

Run by the harness once per run (the spec's evaluation.baseline), never by the agent: it reads the
training and test CSVs the spec copied into the workspace, read-only, and the labels at /heldout.
"""

import csv
import json
import sys

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

TRAIN, TEST = sys.argv[1], sys.argv[2]


def rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


train, test = rows(f"/workspace/{TRAIN}"), rows(f"/workspace/{TEST}")
with open("/heldout/test_labels.csv", newline="") as handle:
    gold = {row["id"]: row["label"] for row in csv.DictReader(handle)}
vectorizer = TfidfVectorizer()
model = LogisticRegression(max_iter=1000).fit(
    vectorizer.fit_transform([row["text"] for row in train]), [row["label"] for row in train]
)
predicted = model.predict(vectorizer.transform([row["text"] for row in test]))
truth = [gold[row["id"]] for row in test]
print(f"TF-IDF + logistic regression on {len(train)} rows, scored on {len(test)}")
print(json.dumps({"macro_f1": round(f1_score(truth, predicted, average="macro"), 4)}))
