"""The strong reference: every column, categories one-hot encoded, gradient-boosted trees on the log price."""

import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

NUMERIC = ["area_m2", "bedrooms", "bathrooms", "year_built", "lot_m2"]
CATEGORICAL = ["neighbourhood", "garage", "condition"]
train = pd.read_csv("train.csv")
test = pd.read_csv("test.csv")
encode = make_column_transformer(
    (SimpleImputer(strategy="median"), NUMERIC),
    (make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"), OneHotEncoder(sparse_output=False)),
     CATEGORICAL),
)
model = make_pipeline(encode, GradientBoostingRegressor(n_estimators=400, learning_rate=0.05, max_depth=4,
                                                          subsample=0.8, random_state=0))
model.fit(train[NUMERIC + CATEGORICAL], np.log(train["price_k"]))
predicted = np.exp(model.predict(test[NUMERIC + CATEGORICAL])).round(2)
pd.DataFrame({"id": test["id"], "price_k": predicted}).to_csv("predictions.csv", index=False)
