"""
Multilabel topics: TF-IDF + MLP on Reuters-21578
================================================

A Reuters newswire story can carry several topics at once (``grain``, ``wheat``
and ``corn`` often go together). With a multilabel indicator matrix as ``y``,
``MLPTextClassifier`` puts one sigmoid unit per topic on top of its hidden layer
and ``predict`` returns a 0/1 matrix (threshold 0.5). The baseline is a one-vs-rest
logistic regression on the same TF-IDF features.

We use the standard ModApte train/test split and keep the ten most frequent
training topics (the usual "R10" subset: earn, acq, money-fx, grain, crude, trade,
interest, wheat, ship, corn), dropping the stories that carry none of them.

**The data do not ship with sknn_text.** Reuters-21578, Distribution 1.0 (Lewis),
is copyright Reuters Ltd and Carnegie Group, free to distribute for research
purposes only. Its stories come as 22 SGML files, ``reut2-000.sgm`` to
``reut2-021.sgm``; the copy used here was taken from the ``data`` folder of the
GitHub repository ``Arthur-sauvage/Reuter``. The example reads
``reuters21578/data.csv.gz`` under the folder that the environment variable
``SKNN_TEXT_SHARED_DATASETS`` names (``shared/datasets`` beside the repository by
default): a gzip'd UTF-8 CSV with a header row and the columns ``split``
(``train`` or ``test``: the ModApte split, i.e. ``LEWISSPLIT`` of the stories
marked ``TOPICS="YES"``), ``text`` (the text inside a story's ``<TEXT>`` element,
markup removed) and ``label`` (the names in its ``<TOPICS>``, joined with ``|``;
empty when it has none). Where that file is absent the example prints so and
stops.

The gallery runs every example with the settings written in it; ``SKNN_TEXT_QUICK=1``
turns them into a few-second smoke run (how the test suite runs them).
"""

# %%
import csv
import gzip
import os
import sys
from collections import Counter
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MultiLabelBinarizer

from sknn_text import MLPTextClassifier

QUICK = os.environ.get("SKNN_TEXT_QUICK") == "1"
N_TOPICS = 10
here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
shared = Path(os.environ.get("SKNN_TEXT_SHARED_DATASETS", here.parents[1] / "shared" / "datasets"))
# The file read, under ``shared``. docs/conf.py reads this line without running the
# script: the documentation build leaves the example unrun where it is missing.
SHARED_FILES = {"data": "reuters21578/data.csv.gz"}
path = shared / SHARED_FILES["data"]
if not path.is_file():
    print(f"{path} not found (see the introduction); skipping the example.")
    sys.exit(0)

# The ``label`` column joins a story's topics with "|" ("" = no topic).
splits = {"train": ([], []), "test": ([], [])}
with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
    for row in csv.DictReader(handle):
        texts, topics = splits[row["split"]]
        texts.append(row["text"])
        topics.append(row["label"].split("|") if row["label"] else [])

counts = Counter(topic for topics in splits["train"][1] for topic in topics)
kept = [topic for topic, _ in counts.most_common(N_TOPICS)]
binarizer = MultiLabelBinarizer(classes=kept)
data = {}
for name, (texts, topics) in splits.items():
    topics = [[t for t in doc_topics if t in kept] for doc_topics in topics]
    rows = [i for i, doc_topics in enumerate(topics) if doc_topics]
    if QUICK:
        rows = rows[::20]
    data[name] = ([texts[i] for i in rows], binarizer.fit_transform([topics[i] for i in rows]))
(X_train, Y_train), (X_test, Y_test) = data["train"], data["test"]
print(f"{len(X_train)} training and {len(X_test)} test stories, {len(kept)} topics: "
      f"{', '.join(kept)}")
print(f"topics per training story: {Y_train.sum(axis=1).mean():.2f} on average, "
      f"up to {Y_train.sum(axis=1).max()}")

# %%
# Both models read the same TF-IDF features (word 1-2-grams); ``Y_train`` is the
# (n_stories, 10) indicator matrix, so each topic is its own yes/no decision.


def tfidf():
    return TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)


models = {
    "one-vs-rest LR": make_pipeline(
        tfidf(), OneVsRestClassifier(LogisticRegression(C=10, max_iter=2000))
    ),
    "MLP": make_pipeline(
        tfidf(),
        MLPTextClassifier(
            hidden_layer_sizes=(16,) if QUICK else (128,), dropout=0.3, epochs=2 if QUICK else 8,
            batch_size=64, learning_rate=0.003, random_state=0,
        ),
    ),
}
predictions = {}
print(f"\n{'TF-IDF +':<18} {'micro-F1':>8} {'macro-F1':>8} {'exact match':>11}")
for name, model in models.items():
    model.fit(X_train, Y_train)
    predicted = predictions[name] = model.predict(X_test)
    micro = f1_score(Y_test, predicted, average="micro", zero_division=0)
    macro = f1_score(Y_test, predicted, average="macro", zero_division=0)
    exact = accuracy_score(Y_test, predicted)  # every topic of the story right
    print(f"{name:<18} {micro:>8.3f} {macro:>8.3f} {exact:>11.3f}")

# %%
# F1 per topic: the rare topics (``ship``, ``corn``, ``wheat``) are where the
# models differ most.
print(f"\n{'topic':<12} {'test docs':>9}" + "".join(f" {name:>15}" for name in models))
per_topic = {
    name: f1_score(Y_test, predicted, average=None, zero_division=0)
    for name, predicted in predictions.items()
}
for j, topic in enumerate(kept):
    print(f"{topic:<12} {int(Y_test[:, j].sum()):>9}"
          + "".join(f" {per_topic[name][j]:>15.3f}" for name in models))

# %%
fig, ax = plt.subplots(figsize=(8, 4.5))
positions = np.arange(len(kept))
width = 0.4
for offset, name in zip((-width / 2, width / 2), models, strict=True):
    ax.bar(positions + offset, per_topic[name], width, label=name)
ax.set_xticks(positions, [f"{topic}\n({int(Y_test[:, j].sum())})" for j, topic in
                          enumerate(kept)], fontsize=8)
ax.set_ylabel("F1 on the test stories")
ax.set_ylim(0, 1.15)
ax.set_title("F1 per topic (number of test stories)")
ax.legend(loc="upper right", ncols=2)
fig.tight_layout()
plt.show()
