"""
Grid search over the tokenizer and the network together
========================================================

One ``GridSearchCV`` tunes the tokenizer's vocabulary size and the LSTM's pooling
at once; each fold fits the tokenizer on its own training part, so no vocabulary
leaks from the validation part.

The gallery runs every example with the settings written in it; ``SKNN_TEXT_QUICK=1``
turns them into a few-second smoke run (how the test suite runs them).
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sknn_text import LSTMTextClassifier, TextTokenizer
from sknn_text.datasets import load_movie_sentences

QUICK = os.environ.get("SKNN_TEXT_QUICK") == "1"

# Half of the sentences (every other one) keep the 12 fits of the search short.
texts, labels = load_movie_sentences(return_X_y=True)
texts, labels = texts[:: 40 if QUICK else 2], labels[:: 40 if QUICK else 2]

pipeline = make_pipeline(
    TextTokenizer(sequence_length=40),
    LSTMTextClassifier(
        embedding_dim=32, units=16, epochs=1 if QUICK else 3, batch_size=64, random_state=0
    ),
)
param_grid = {
    "texttokenizer__max_tokens": [2_000] if QUICK else [2_000, 10_000],
    "lstmtextclassifier__pooling": ["last", "max"],
}
grid = GridSearchCV(pipeline, param_grid, cv=2 if QUICK else 3)
grid.fit(texts, labels)

# %%
results = grid.cv_results_
for params, score in zip(results["params"], results["mean_test_score"], strict=True):
    print(f"{score:.3f}  {params}")
print("best:", grid.best_params_)

# %%
# Mean accuracy over the folds, with one standard deviation, for each setting.
names = [
    f"{p['texttokenizer__max_tokens']:,} tokens, {p['lstmtextclassifier__pooling']} pooling"
    for p in results["params"]
]
fig, ax = plt.subplots(figsize=(7, 0.6 * len(names) + 1.2))
positions = np.arange(len(names))
ax.barh(positions, results["mean_test_score"], xerr=results["std_test_score"],
        color="tab:blue", alpha=0.7)
ax.set_yticks(positions, names)
ax.invert_yaxis()
low = float(np.min(results["mean_test_score"] - results["std_test_score"]))
high = float(np.max(results["mean_test_score"] + results["std_test_score"]))
ax.set_xlim(max(0.0, low - 0.05), min(1.0, high + 0.03))
ax.set_xlabel(f"accuracy, mean of {grid.n_splits_} folds")
fig.tight_layout()
plt.show()
