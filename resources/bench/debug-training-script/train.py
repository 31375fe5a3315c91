"""Trains the wine-quality classifier: an RBF-kernel SVM on standardised measurements.

Reads train.csv (id, six measurements, quality) and test.csv, prints the validation accuracy as a JSON
line and writes predictions.csv (id,quality) with one row per test wine.
"""

import json

import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.utils import shuffle

FEATURES = ["alcohol", "acidity", "sulphates", "sugar_g_l", "sulfur_mg_l", "chlorides"]

data = pd.read_csv("train.csv")
test = pd.read_csv("test.csv")
X = data[FEATURES]
y = data["quality_label"]

# Shuffle the rows before splitting off a validation set.
X = shuffle(X, random_state=1)
y = shuffle(y, random_state=2)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=0)

scaler = StandardScaler().fit(X_train)
model = SVC(C=10, gamma="scale").fit(scaler.transform(X_train), y_train)
val_accuracy = model.score(scaler.transform(X_val), y_val)
print(json.dumps({"val_accuracy": round(val_accuracy, 4)}))

predictions = model.predict(test[FEATURES])
pd.DataFrame({"id": test["id"], "quality": predictions}).to_csv("predictions.csv", index=False)
