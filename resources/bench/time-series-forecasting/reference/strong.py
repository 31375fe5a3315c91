"""The strong reference: least squares on a linear trend, weekday effects and yearly Fourier terms."""

import numpy as np
import pandas as pd

train = pd.read_csv("train.csv", parse_dates=["date"])
test = pd.read_csv("test.csv", parse_dates=["date"])
origin = train["date"].min()


def features(dates: pd.Series) -> np.ndarray:
    days = (dates - origin).dt.days.to_numpy(dtype=float)
    weekdays = np.eye(7)[dates.dt.weekday.to_numpy()]
    year = 2 * np.pi * dates.dt.dayofyear.to_numpy() / 365.25
    yearly = np.column_stack([f(k * year) for k in (1, 2) for f in (np.sin, np.cos)])
    return np.column_stack([days, weekdays, yearly])


coefficients, *_ = np.linalg.lstsq(features(train["date"]), train["orders"].to_numpy(), rcond=None)
forecast = features(test["date"]) @ coefficients
pd.DataFrame({"date": test["date"].dt.strftime("%Y-%m-%d"), "orders": forecast.round(2)}).to_csv(
    "predictions.csv", index=False)
