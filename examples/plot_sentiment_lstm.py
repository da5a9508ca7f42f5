"""
Sentiment: tokenizer + LSTM against TF-IDF + logistic regression
================================================================

The bundled movie-review sentences (Pang & Lee 2005, 10,662 sentences, CC BY 4.0)
on one stratified 80/20 split: a bag-of-bigrams logistic regression against an
LSTM reading the words in order. Short sentences and little data favour the linear
model; the point is that both are two lines of scikit-learn.

Set ``SKNN_TEXT_QUICK=1`` for a few-second smoke run.
"""

# %%
import os

from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sknn_text import LSTMTextClassifier, TextTokenizer
from sknn_text.compare import make_baseline
from sknn_text.datasets import load_movie_sentences

QUICK = os.environ.get("SKNN_TEXT_QUICK") == "1"

texts, labels = load_movie_sentences(return_X_y=True)
if QUICK:
    texts, labels = texts[::20], labels[::20]
X_train, X_test, y_train, y_test = train_test_split(
    texts, labels, test_size=0.2, stratify=labels, random_state=0
)

# %%
baseline = make_baseline("classification")  # TF-IDF 1-2-grams + LogisticRegression(C=10)
lstm = make_pipeline(
    TextTokenizer(max_tokens=20_000, sequence_length=40),
    LSTMTextClassifier(
        embedding_dim=32, units=32, pooling="max", epochs=1 if QUICK else 3,
        batch_size=64, random_state=0,
    ),
)
for name, model in [("TF-IDF + LR", baseline), ("tokenizer + LSTM", lstm)]:
    model.fit(X_train, y_train)
    print(f"{name:>18}: accuracy {model.score(X_test, y_test):.3f}")
