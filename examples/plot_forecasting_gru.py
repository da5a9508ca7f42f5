"""
Forecasting a numeric series: GRURegressor on yearly sunspots
=============================================================

The recurrent regressors also read float sequences: a 3-D array
``(n_samples, n_steps, n_channels)`` is a batch of multivariate series, which
is how sliding windows over a time series look. Here ``GRURegressor`` (the short
alias of ``GRUTextRegressor``) predicts next year's sunspot number from the
previous twelve, on the yearly series 1700-2008 that ships with statsmodels
(no download). The baselines see the same windows: a linear autoregression
(``LinearRegression`` on the twelve lagged values, i.e. an AR(12) fitted by least
squares) and the naive forecast "next year equals this year".

The split is chronological: the models learn from the years up to 1948 and
forecast 1949-2008 one year ahead, each forecast from the twelve observed years
before it. The example needs ``statsmodels`` for the data and stops with a message
without it.

The gallery runs every example with the settings written in it; ``SKNN_TEXT_QUICK=1``
turns them into a few-second smoke run (how the test suite runs them).
"""

# %%
import os
import sys

import matplotlib.pyplot as plt
import numpy as np

try:
    from statsmodels.datasets import sunspots
except ImportError:
    print("statsmodels is not installed (pip install statsmodels); skipping the example.")
    sys.exit(0)

from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error, root_mean_squared_error

from sknn_text import GRURegressor

QUICK = os.environ.get("SKNN_TEXT_QUICK") == "1"
WINDOW = 12  # a little more than one ~11-year solar cycle
N_TEST = 60  # forecast the last 60 years

frame = sunspots.load_pandas().data
years = frame["YEAR"].to_numpy().astype(int)
series = frame["SUNACTIVITY"].to_numpy(dtype=np.float64)

# Sliding windows: X[i] holds the WINDOW values before year i + WINDOW, y[i] that
# year's value. ``[..., None]`` adds the channel axis: (n_windows, WINDOW, 1).
windows = np.lib.stride_tricks.sliding_window_view(series[:-1], WINDOW)
X = windows[..., None].astype(np.float32)
y = series[WINDOW:]
target_years = years[WINDOW:]
X_train, X_test = X[:-N_TEST], X[-N_TEST:]
y_train, y_test = y[:-N_TEST], y[-N_TEST:]
print(f"{len(series)} yearly values {years[0]}-{years[-1]}; windows of {WINDOW} years: "
      f"{len(y_train)} to train (targets {target_years[0]}-{target_years[-N_TEST - 1]}), "
      f"{len(y_test)} to test ({target_years[-N_TEST]}-{target_years[-1]})")

# %%
# The GRU standardizes the series and the target itself (with the training
# statistics), so raw sunspot numbers go in and come out. Time order inside a
# window matters to the network; the order of the training windows does not, so
# shuffling them between epochs leaks nothing from the test years. As in
# scikit-learn, training stops before ``epochs`` once the training loss has not
# improved by ``tol`` for ``n_iter_no_change`` epochs.
gru = GRURegressor(
    units=32, epochs=5 if QUICK else 100, batch_size=16, learning_rate=0.005,
    random_state=0,
)
gru.fit(X_train, y_train)
print(f"GRU trained for {gru.n_iter_} epochs")

linear = LinearRegression().fit(X_train.reshape(len(X_train), -1), y_train)

forecasts = {
    "naive (last value)": X_test[:, -1, 0],
    f"linear AR({WINDOW})": linear.predict(X_test.reshape(len(X_test), -1)),
    f"GRU ({gru.units} units)": gru.predict(X_test),
}
print(f"\n{'one year ahead, 1949-2008':<26} {'RMSE':>6} {'MAE':>6}")
for name, predicted in forecasts.items():
    rmse = root_mean_squared_error(y_test, predicted)
    mae = mean_absolute_error(y_test, predicted)
    print(f"{name:<26} {rmse:>6.1f} {mae:>6.1f}")

# %%
# The last solar cycle, year by year.
print(f"\n{'year':>4} {'observed':>9}" + "".join(f" {name:>20}" for name in forecasts))
for i in range(-12, 0):
    print(f"{target_years[i]:>4} {y_test[i]:>9.1f}"
          + "".join(f" {predicted[i]:>20.1f}" for predicted in forecasts.values()))

# %%
# The test years: observed sunspot numbers and each model's one-year-ahead
# forecasts.
fig, ax = plt.subplots(figsize=(10, 4.5))
test_years = target_years[-N_TEST:]
ax.plot(test_years, y_test, color="black", linewidth=2, label="observed")
for name, predicted in forecasts.items():
    ax.plot(test_years, predicted, marker=".", label=name)
ax.set_xlabel("year")
ax.set_ylabel("sunspot number")
ax.legend()
fig.tight_layout()
plt.show()
