"""A simple honest baseline: word counts (single words) and multinomial naive Bayes."""

import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import make_pipeline

train = pd.read_csv("train.csv")
test = pd.read_csv("test.csv")
model = make_pipeline(CountVectorizer(), MultinomialNB())
model.fit(train["text"], train["team"])
pd.DataFrame({"id": test["id"], "team": model.predict(test["text"])}).to_csv("predictions.csv", index=False)
