"""Benchmark 10: a regressor that cannot beat the mean of y predicts it.

With ``epochs="auto"`` (or ``early_stopping=True``) a regressor keeps its best epoch only
if that epoch's squared error on the validation rows is lower than the mean's; otherwise
it predicts the mean (see the user guide, "How long a model trains"). This script
measures what the rule does to test R² on synthetic data where one of ``n_features``
normal features carries the signal, ``y = signal * X[:, 0] + noise``: the MLP regressor at
its defaults, each configuration over several seeds, with the rule and without it
(the same fit, the same seed; only the last step differs). A weak signal is where a
network fits noise; a stronger one is where the rule could throw a useful fit away.

    python benchmarks/bench_mean_rule.py            # 12 seeds, 5 configurations, ~3 min
    python benchmarks/bench_mean_rule.py --quick    # a smoke run
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import markdown_table, save_json

#: (features, training rows, signal): the test set has 300 rows.
CONFIGURATIONS = [(50, 200, 0.3), (50, 400, 0.3), (50, 200, 1.0), (50, 400, 1.0), (10, 200, 1.0)]
TEST_ROWS = 300


def run(seeds, configurations):
    from sknn_text import MLPTextRegressor

    class WithoutTheRule(MLPTextRegressor):
        """The same regressor, keeping its best epoch whatever its validation error."""

        def _constant_output(self, model, y, weights, rows):
            return None

    rows = []
    for n_features, n_train, signal in configurations:
        scores = {"with": [], "without": []}
        predicted_mean = 0
        for seed in range(seeds):
            rng = np.random.RandomState(seed)
            X = rng.normal(size=(n_train + TEST_ROWS, n_features))
            y = signal * X[:, 0] + rng.normal(size=n_train + TEST_ROWS)
            for label, cls in (("with", MLPTextRegressor), ("without", WithoutTheRule)):
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    model = cls(random_state=0).fit(X[:n_train], y[:n_train])
                scores[label].append(model.score(X[n_train:], y[n_train:]))
                if label == "with":
                    predicted_mean += any("mean of y" in str(w.message) for w in caught)
        rows.append(
            {
                "features": n_features,
                "training rows": n_train,
                "signal": signal,
                "best R²": signal**2 / (signal**2 + 1),
                "R² without": float(np.mean(scores["without"])),
                "R² with": float(np.mean(scores["with"])),
                "worst without": float(np.min(scores["without"])),
                "worst with": float(np.min(scores["with"])),
                "fits that predict the mean": f"{predicted_mean} of {seeds}",
            }
        )
        print(f"done: {rows[-1]}", file=sys.stderr, flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", type=int, default=12)
    args = parser.parse_args()
    seeds = 1 if args.quick else args.seeds
    configurations = CONFIGURATIONS[:1] if args.quick else CONFIGURATIONS
    start = time.perf_counter()
    rows = run(seeds, configurations)
    columns = list(rows[0])
    print(markdown_table(rows, columns))
    print(f"\n{time.perf_counter() - start:.0f} s")
    save_json("mean_rule", {"quick": args.quick, "seeds": seeds, "rows": rows})


if __name__ == "__main__":
    main()
