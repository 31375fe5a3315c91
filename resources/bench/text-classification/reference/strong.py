"""The strong reference: TF-IDF of single words and word pairs, logistic regression."""

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

train = pd.read_csv("train.csv")
test = pd.read_csv("test.csv")
model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LogisticRegression(C=20, max_iter=2000))
model.fit(train["text"], train["team"])
pd.DataFrame({"id": test["id"], "team": model.predict(test["text"])}).to_csv("predictions.csv", index=False)
