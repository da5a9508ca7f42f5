"""
Sentiment: tokenizer + LSTM against TF-IDF + logistic regression
================================================================

The bundled movie-review sentences (Pang & Lee 2005, 10,662 sentences, CC BY 4.0)
on one stratified 80/20 split: a bag-of-bigrams logistic regression against an
LSTM reading the words in order. Short sentences and little data favour the linear
model; the point is that both are two lines of scikit-learn.

The gallery runs every example with the settings written in it; ``SKNN_TEXT_QUICK=1``
turns them into a few-second smoke run (how the test suite runs them).
"""

# %%
import os

import matplotlib.pyplot as plt
from sklearn.metrics import RocCurveDisplay
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sknn_text import LSTMTextClassifier, TextTokenizer
from sknn_text.compare import make_baseline
from sknn_text.datasets import load_movie_sentences
from sknn_text.plotting import TrainingCurveDisplay

QUICK = os.environ.get("SKNN_TEXT_QUICK") == "1"

texts, labels = load_movie_sentences(return_X_y=True)
if QUICK:
    texts, labels = texts[::20], labels[::20]
X_train, X_test, y_train, y_test = train_test_split(
    texts, labels, test_size=0.2, stratify=labels, random_state=0
)

# %%
# The LSTM holds out a tenth of its training sentences and keeps the epoch with
# the lowest validation loss (it overfits after two or three).
baseline = make_baseline("classification")  # TF-IDF 1-2-grams + LogisticRegression(C=10)
lstm = make_pipeline(
    TextTokenizer(max_tokens=20_000, sequence_length=40),
    LSTMTextClassifier(
        embedding_dim=64, units=32, pooling="mean", dropout=0.3,
        epochs=1 if QUICK else 6, early_stopping=True, n_iter_no_change=2,
        batch_size=64, random_state=0,
    ),
)
models = {"TF-IDF + LR": baseline, "tokenizer + LSTM": lstm}
for name, model in models.items():
    model.fit(X_train, y_train)
    print(f"{name:>18}: accuracy {model.score(X_test, y_test):.3f}")

# %%
# Both models rank the test sentences about as well (ROC curves, left); the
# LSTM's validation loss turns up after its best epoch (right).
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
for name, model in models.items():
    RocCurveDisplay.from_estimator(model, X_test, y_test, pos_label="pos", name=name, ax=left)
left.set_title("test sentences")
TrainingCurveDisplay.from_estimator(lstm, metric="loss", ax=right)
fig.tight_layout()
plt.show()
