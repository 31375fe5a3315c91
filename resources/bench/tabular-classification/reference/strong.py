"""The strong reference: every column, categories one-hot encoded, gradient-boosted trees."""

import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

NUMERIC = ["age", "tenure_months", "monthly_charges", "support_calls"]
CATEGORICAL = ["contract", "internet", "payment_method", "paperless_billing"]
train = pd.read_csv("train.csv")
test = pd.read_csv("test.csv")
encode = make_column_transformer(
    (SimpleImputer(strategy="median"), NUMERIC),
    (make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"), OneHotEncoder(sparse_output=False)),
     CATEGORICAL),
)
model = make_pipeline(encode, GradientBoostingClassifier(n_estimators=150, learning_rate=0.05, max_depth=3,
                                                          random_state=0))
model.fit(train[NUMERIC + CATEGORICAL], train["churn"])
predicted = model.predict(test[NUMERIC + CATEGORICAL])
pd.DataFrame({"id": test["id"], "churn": predicted}).to_csv("predictions.csv", index=False)
