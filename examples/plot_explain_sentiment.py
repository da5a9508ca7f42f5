"""
Which words drove a prediction: integrated gradients on movie reviews
=====================================================================

Two models of the bundled movie-review sentences (Pang & Lee 2005, CC BY 4.0),
TF-IDF + MLP and tokenizer + GRU, explain the same review with
:func:`~sknn_text.inspection.explain_tokens`: each word gets its contribution to
the log-odds of the predicted class, from one batched backward pass per
document. :class:`~sknn_text.inspection.TokenAttributionDisplay` draws them (red
for the class, blue against it). Then ERASER's comprehensiveness checks, on
held-out reviews, that deleting the words ranked highest does lower the model's
confidence, much more than deleting words in a random order.

Set ``SKNN_TEXT_QUICK=1`` for a few-second smoke run.
"""

# %%
# Two models of the same sentences
# --------------------------------
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sknn_text import GRUTextClassifier, MLPTextClassifier, TextTokenizer
from sknn_text.datasets import load_movie_sentences
from sknn_text.inspection import (
    TokenAttribution,
    TokenAttributionDisplay,
    comprehensiveness,
    explain_tokens,
)

QUICK = os.environ.get("SKNN_TEXT_QUICK") == "1"

texts, labels = load_movie_sentences(return_X_y=True)
if QUICK:
    texts, labels = texts[::10], labels[::10]
X_train, X_test, y_train, y_test = train_test_split(
    texts, labels, test_size=0.2, stratify=labels, random_state=0
)
models = {
    "TF-IDF + MLP": make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        MLPTextClassifier((64,), dropout=0.3, epochs=2 if QUICK else 5, random_state=0),
    ),
    "tokenizer + GRU": make_pipeline(
        TextTokenizer(max_tokens=20_000, sequence_length=60),
        GRUTextClassifier(
            embedding_dim=64, units=32, pooling="mean", epochs=2 if QUICK else 4,
            random_state=0,
        ),
    ),
}
for name, model in models.items():
    model.fit(X_train, y_train)
    print(f"{name}: test accuracy {model.score(X_test, y_test):.3f}")

# %%
# One review, word by word
# ------------------------
# The attributions of a document add up to the change of the explained output
# (here the log-odds of the predicted class) from the *baseline*: the empty
# document for TF-IDF, zero word vectors for the GRU. Their ``completeness_gap``
# says how far they are from that (integrated gradients with 32 steps).
review = "an utterly wonderful , moving film , though the ending drags on too long ."
figure, axes = plt.subplots(2, 1, figsize=(8, 2.2))
figure.subplots_adjust(left=0.01, right=0.99, top=0.85, bottom=0.05, hspace=0.8)
for ax, (name, model) in zip(axes, models.items(), strict=True):
    display = TokenAttributionDisplay.from_estimator(model, review, ax=ax, colorbar=False)
    attribution = display.attribution
    ax.set_title(
        f"{name}: {attribution.target}, log-odds {attribution.output:.2f} "
        f"(baseline {attribution.baseline_output:.2f})",
        loc="left", fontsize=10,
    )
    top = ", ".join(f"{word} {score:+.2f}" for word, score in attribution.top(3))
    print(f"{name}: {top}; completeness gap {attribution.completeness_gap:.1e}")

# %%
# Are the attributions faithful to the model?
# -------------------------------------------
# ERASER's comprehensiveness (DeYoung et al. 2020): the drop of the predicted
# class's probability when the top 1, 5, 10, 20 and 50 % of the words are
# deleted, averaged. A ranking that knows what the model uses scores high; a
# random word order is the floor. ``benchmarks/bench_explanations.py`` adds LIME
# and SHAP to the comparison.
documents = X_test[: 20 if QUICK else 200]
rng = np.random.RandomState(0)
for name, model in models.items():
    ours = explain_tokens(model, documents)
    shuffled = [
        TokenAttribution(a.text, a.spans, rng.permutation(len(a.scores)), target=a.target)
        for a in ours
    ]
    print(
        f"{name}: comprehensiveness {comprehensiveness(model, ours).mean():.3f} "
        f"(random word order: {comprehensiveness(model, shuffled).mean():.3f})"
    )
