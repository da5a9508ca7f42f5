"""
Chunking sentences: LSTMTextTagger with a CRF on CoNLL-2000
===========================================================

A tagger gives one tag to every token. In chunking the tags mark the phrases
of a sentence: ``B-NP`` opens a noun phrase, ``I-NP`` continues it, ``B-VP``
opens a verb phrase, ``O`` is outside every phrase. ``LSTMTextTagger`` reads
each sentence in both directions and ends in a linear-chain CRF, which picks
the tags of a sentence together.

The data are the CoNLL-2000 chunking files of the shared datasets folder
(``shared/datasets/conll2000``, or ``$SKNN_TEXT_SHARED_DATASETS``); the example
stops with a message where they are absent. Each token is a ``(word, POS)``
tuple, so the part of speech of the CoNLL file is a feature. To keep the
example under a minute it trains on 2,000 sentences for a few epochs
(``benchmarks/bench_tagging.py`` trains on all 8,936).

``SKNN_TEXT_QUICK=1`` turns it into a few-second smoke run (how the test suite
runs it).
"""

# %%
import os
import sys
from pathlib import Path

import matplotlib.pyplot as plt

from sknn_text import LSTMTextTagger, load_conll
from sknn_text.metrics import (
    chunk_f1_score,
    chunk_precision_recall_fscore_support,
    token_accuracy_score,
)

QUICK = os.environ.get("SKNN_TEXT_QUICK") == "1"
ROOT = Path(__file__).resolve().parents[1] if "__file__" in globals() else Path.cwd()
FOLDER = (
    Path(os.environ.get("SKNN_TEXT_SHARED_DATASETS", ROOT.parent / "shared" / "datasets"))
    / "conll2000"
)
if not (FOLDER / "train.txt.gz").exists():
    print(f"{FOLDER} not found: the example needs the CoNLL-2000 files; skipping it.")
    sys.exit(0)

X_train, y_train = load_conll(FOLDER / "train.txt.gz", feature_columns=[1])
X_test, y_test = load_conll(FOLDER / "test.txt", feature_columns=[1])
n_train, n_test = (200, 200) if QUICK else (2000, len(X_test))
X_train, y_train = X_train[:n_train], y_train[:n_train]
X_test, y_test = X_test[:n_test], y_test[:n_test]
print(X_train[0][:4], y_train[0][:4])

# %%
# Training and scoring
# --------------------
# The token accuracy counts the tokens tagged right; chunks count only when
# their type and both boundaries are right, which the chunk F1 of CoNLL's
# evaluation measures. (``tagger.score`` is the token accuracy too, but refuses
# test tags that training never saw: rare ones may be missing from a sample.)
tagger = LSTMTextTagger(crf=True, epochs=1 if QUICK else 6, random_state=0)
tagger.fit(X_train, y_train)
y_pred = tagger.predict(X_test)
print(f"token accuracy {token_accuracy_score(y_test, y_pred):.3f}")
print(f"chunk F1 {chunk_f1_score(y_test, y_pred):.3f}")
print(tagger.predict([[("He", "PRP"), ("reckons", "VBZ"), ("the", "DT"), ("deficit", "NN")]]))

# %%
# F1 per chunk type
# -----------------
# Frequent phrases (noun, verb and prepositional phrases) are found best;
# rare ones (conjunction phrases, interjections) have few training examples.
precision, recall, f1, support, types = chunk_precision_recall_fscore_support(
    y_test, y_pred, average=None
)
order = support.argsort()[::-1]
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.bar([f"{types[i]}\n({support[i]})" for i in order], f1[order], color="tab:blue")
ax.set_ylabel("chunk F1 on the test sentences")
ax.set_ylim(0, 1)
ax.set_title("LSTMTextTagger(crf=True) on CoNLL-2000 (true chunks in brackets)")
fig.tight_layout()
plt.show()
