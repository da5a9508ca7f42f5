"""
Scores from text: GRURegressor on movie-review ratings
======================================================

Pang & Lee's scale dataset gives each of 5,006 reviews a rating between 0 and 1. A
``GRURegressor`` reads the tokens and predicts the rating; a TF-IDF + ridge
regression is the baseline.

**The data do not ship with sknn_text.** They are Pang & Lee's scale dataset v1.0
(ACL 2005, "Seeing stars"): the subjective sentences of reviews by four critics,
with ratings normalised to [0, 1]. It is the authors' research release on Cornell's
movie-review-data page, with no explicit licence; the copy used here was taken from
the ``scaledata`` folder (one folder per critic, files ``subj.<critic>`` and
``rating.<critic>``) of the GitHub repository ``babygoto0/BERT-DES``. The example
reads ``pang_lee_scale_v1/data.csv.gz`` under the folder that the environment
variable ``SKNN_TEXT_SHARED_DATASETS`` names (``shared/datasets`` beside the
repository by default): a gzip'd UTF-8 CSV with a header row and the columns
``split`` (``all``), ``text`` (line *k* of ``subj.<critic>``) and ``target`` (line
*k* of ``rating.<critic>``). Where that file is absent the example prints so and
stops.

The gallery runs every example with the settings written in it; ``SKNN_TEXT_QUICK=1``
turns them into a few-second smoke run (how the test suite runs them).
"""

# %%
import os
import sys
from pathlib import Path

import matplotlib.pyplot as plt
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sknn_text import GRURegressor, TextTokenizer
from sknn_text.compare import make_baseline
from sknn_text.datasets import load_text_csv

QUICK = os.environ.get("SKNN_TEXT_QUICK") == "1"
here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
shared = Path(os.environ.get("SKNN_TEXT_SHARED_DATASETS", here.parents[1] / "shared" / "datasets"))
# The file read, under ``shared``. docs/conf.py reads this line without running the
# script: the documentation build leaves the example unrun where it is missing.
SHARED_FILES = {"data": "pang_lee_scale_v1/data.csv.gz"}
path = shared / SHARED_FILES["data"]
if not path.is_file():
    print(f"{path} not found (see the introduction); skipping the example.")
    sys.exit(0)

data = load_text_csv(path, text_column="text", target_column="target")
texts, ratings = data.data, data.target
if QUICK:
    texts, ratings = texts[::10], ratings[::10]
X_train, X_test, y_train, y_test = train_test_split(
    texts, ratings, test_size=0.2, random_state=0
)

# %%
# Reviews run to hundreds of words; the GRU reads the first 300 tokens of each,
# and keeps the epoch with the lowest loss on a held-out tenth.
ridge = make_baseline("regression")  # TF-IDF 1-2-grams + Ridge(alpha=1)
gru = make_pipeline(
    TextTokenizer(max_tokens=20_000, sequence_length=300),
    GRURegressor(
        embedding_dim=32, units=32, pooling="mean", epochs=1 if QUICK else 12,
        early_stopping=True, n_iter_no_change=3, batch_size=32, learning_rate=0.003,
        random_state=0,
    ),
)
models = {"TF-IDF + Ridge": ridge, "tokenizer + GRU": gru}
for name, model in models.items():
    model.fit(X_train, y_train)
    print(f"{name:>16}: R^2 {model.score(X_test, y_test):.3f}")

# %%
# Predicted against true ratings of the test reviews; the diagonal is a perfect
# prediction.
fig, axes = plt.subplots(1, 2, figsize=(11, 4.8), sharex=True, sharey=True)
for ax, (name, model) in zip(axes, models.items(), strict=True):
    ax.scatter(y_test, model.predict(X_test), s=8, alpha=0.4)
    ax.plot([0, 1], [0, 1], color="tab:gray", linestyle="--")
    ax.set_title(f"{name}: R^2 {model.score(X_test, y_test):.3f}")
    ax.set_xlabel("true rating")
axes[0].set_ylabel("predicted rating")
fig.tight_layout()
plt.show()
