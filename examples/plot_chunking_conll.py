"""
Chunking sentences: LSTMTextTagger with a CRF on CoNLL-2000
===========================================================

A tagger gives one tag to every token. In chunking the tags mark the phrases
of a sentence: ``B-NP`` opens a noun phrase, ``I-NP`` continues it, ``B-VP``
opens a verb phrase, ``O`` is outside every phrase. ``LSTMTextTagger`` reads
each sentence in both directions and ends in a linear-chain CRF, which picks
the tags of a sentence together.

Each token is a ``(word, POS)`` tuple, so the part of speech of the CoNLL
file is a feature. To keep the example under a minute it trains on 2,000
sentences for a few epochs (``benchmarks/bench_tagging.py`` trains on all 8,936).

**The data do not ship with sknn_text.** They are the CoNLL-2000 chunking files
(Tjong Kim Sang & Buchholz 2000; one ``word POS chunk`` line per token, a blank
line between sentences), derived from the Wall Street Journal text of the Penn
Treebank (LDC). No licence is stated for them: they are for research use. NLTK
distributes them: ``nltk.download("conll2000")`` fetches the ``conll2000.zip``
package of the NLTK data collection (the ``nltk/nltk_data`` repository on GitHub,
``packages/corpora/conll2000.zip``), whose ``conll2000/train.txt`` and
``conll2000/test.txt`` are the files used here. The example reads
``conll2000/train.txt.gz`` (gzip ``train.txt``) and ``conll2000/test.txt`` under
the folder that the environment variable ``SKNN_TEXT_SHARED_DATASETS`` names,
``shared/datasets`` beside the repository by default; where they are absent it
prints what is missing and stops.

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
SHARED = Path(os.environ.get("SKNN_TEXT_SHARED_DATASETS", ROOT.parent / "shared" / "datasets"))
# The files read, under SHARED. docs/conf.py reads this line without running the
# script: the documentation build leaves the example unrun where one is missing.
SHARED_FILES = {"train": "conll2000/train.txt.gz", "test": "conll2000/test.txt"}
missing = [name for name in SHARED_FILES.values() if not (SHARED / name).is_file()]
if missing:
    print(f"{', '.join(missing)} not found in {SHARED} (see the introduction); skipping.")
    sys.exit(0)

X_train, y_train = load_conll(SHARED / SHARED_FILES["train"], feature_columns=[1])
X_test, y_test = load_conll(SHARED / SHARED_FILES["test"], feature_columns=[1])
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
