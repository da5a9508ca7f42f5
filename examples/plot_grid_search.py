"""
Grid search over the tokenizer and the network together
========================================================

One ``GridSearchCV`` tunes the tokenizer's vocabulary size and the LSTM's pooling
at once; each fold fits the tokenizer on its own training part, so no vocabulary
leaks from the validation part.

Set ``SKNN_TEXT_QUICK=1`` for a few-second smoke run.
"""

# %%
import os

from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sknn_text import LSTMTextClassifier, TextTokenizer
from sknn_text.datasets import load_movie_sentences

QUICK = os.environ.get("SKNN_TEXT_QUICK") == "1"

texts, labels = load_movie_sentences(return_X_y=True)
texts, labels = texts[:: 40 if QUICK else 4], labels[:: 40 if QUICK else 4]

pipeline = make_pipeline(
    TextTokenizer(sequence_length=40),
    LSTMTextClassifier(embedding_dim=32, units=16, epochs=1 if QUICK else 3, random_state=0),
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
