"""
Translating captions: a small GRUTranslator and its attention map
=================================================================

A translator learns from pairs of sentences, a source and its translation.
``GRUTranslator`` reads the English source with a bidirectional GRU, then
writes the German translation one sub-word at a time; before each one, its
decoder *attends* over the source: it weighs every source token, and reads
their weighted mean. Those weights show which source words it looked at to
write each target word.

It is trained here on Multi30k (Elliott et al. 2016): English descriptions of
Flickr photos and their German translations. To run in about two minutes on
two CPU cores it learns from 4,000 short pairs (at most 10 words a side; the
corpus has 29,000), with a small network (128 units, 64-d embeddings, 1,000
sub-words a side) for 10 epochs. **Its BLEU is low, and that is expected**:
about 20 on the short test sentences when this was written, where published
text-only systems reach about 35 on the whole test set after hours of training
on every pair (on GPUs); ``benchmarks/bench_translation.py`` measures the
translators at their defaults. What a minute teaches is the common words and
the shape of a caption: the translations below are fluent-looking German that
often says something else.

**The data do not ship with sknn_text.** They are the Multi30K task 1 files
(the ``multi30k/dataset`` repository on GitHub, ``data/task1/raw``), partly
derived from Flickr30K, for non-commercial research and education. The example
reads ``multi30k/train.en.gz``, ``multi30k/train.de.gz`` (the gzipped
``train.en`` and ``train.de``), ``multi30k/test2016.en`` and
``multi30k/test2016.de`` under the folder that the environment variable
``SKNN_TEXT_SHARED_DATASETS`` names, ``shared/datasets`` beside the repository
by default; where they are absent it prints what is missing and stops. It
needs the ``translate`` extra (``tokenizers`` and ``sacrebleu``).

``SKNN_TEXT_QUICK=1`` turns it into a few-second smoke run (how the test suite
runs it).
"""

# %%
import gzip
import os
import sys
import time
from pathlib import Path

import matplotlib.pyplot as plt

from sknn_text import GRUTranslator
from sknn_text.metrics import bleu_score, chrf_score

QUICK = os.environ.get("SKNN_TEXT_QUICK") == "1"
ROOT = Path(__file__).resolve().parents[1] if "__file__" in globals() else Path.cwd()
SHARED = Path(os.environ.get("SKNN_TEXT_SHARED_DATASETS", ROOT.parent / "shared" / "datasets"))
# The files read, under SHARED. docs/conf.py reads this line without running the
# script: the documentation build leaves the example unrun where one is missing.
SHARED_FILES = {
    "train_en": "multi30k/train.en.gz",
    "train_de": "multi30k/train.de.gz",
    "test_en": "multi30k/test2016.en",
    "test_de": "multi30k/test2016.de",
}
missing = [name for name in SHARED_FILES.values() if not (SHARED / name).is_file()]
if missing:
    print(f"{', '.join(missing)} not found in {SHARED} (see the introduction); skipping.")
    sys.exit(0)
try:
    import sacrebleu  # noqa: F401
    import tokenizers  # noqa: F401
except ImportError:
    print('This example needs the translate extra: pip install "sknn_text[translate]".')
    sys.exit(0)


def read_lines(name):
    """One sentence per line; line i of the English file is translated by line i
    of the German one."""
    path = SHARED / SHARED_FILES[name]
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as file:
        return file.read().split("\n")[:-1]


def short_pairs(english, german, most_words=10):
    return [
        (en.strip(), de.strip())
        for en, de in zip(english, german, strict=True)
        if en.strip() and de.strip() and max(len(en.split()), len(de.split())) <= most_words
    ]


train = short_pairs(read_lines("train_en"), read_lines("train_de"))
test = short_pairs(read_lines("test_en"), read_lines("test_de"))
n_train, n_test = (300, 20) if QUICK else (4000, len(test))
train, test = train[:n_train], test[:n_test]
X_train, y_train = [en for en, _ in train], [de for _, de in train]
X_test, y_test = [en for en, _ in test], [de for _, de in test]
print(f"{len(train):,} training pairs, {len(test):,} test2016 pairs of at most 10 words")

# %%
# Training
# --------
# Sub-words (``level="bpe"``, the default) spell any word from pieces, so
# the translator never meets an unknown word; ``max_tokens`` is the size of each
# language's vocabulary. A fixed number of epochs keeps the run short: the
# default, ``epochs="auto"``, trains until the loss on held-out pairs stops
# improving, which on this data takes far longer.
#
# The attention is ``"additive"`` (Bahdanau et al. 2015), the default. With
# the ``"multiplicative"`` score, this short run (measured once, same settings)
# reached only BLEU 10.4 against 21.3, and its decoder put nearly all its
# attention on one source word for every target word: it had not yet learned
# to align, and its map showed a single bright column.
translator = GRUTranslator(
    attention="additive",
    max_tokens=1000,
    embedding_dim=64,
    units=128,
    batch_size=32,
    learning_rate=0.005,
    epochs=1 if QUICK else 10,
    random_state=0,
)
start = time.perf_counter()
translator.fit(X_train, y_train)
print(f"trained {translator.n_iter_} epochs in {time.perf_counter() - start:.0f} s")
print(f"loss per target token: {translator.history_['loss'][0]:.2f} nats after one epoch, "
      f"{translator.history_['loss'][-1]:.2f} after the last")  # fmt: skip

# %%
# Translating the test sentences
# ------------------------------
# ``predict`` uses beam search (4 hypotheses a sentence) and returns text.
# BLEU and chrF are sacrebleu's corpus scores (cased, on the detokenized text),
# beside the score of copying the English source unchanged.
start = time.perf_counter()
predictions = translator.predict(X_test)
print(f"translated {len(X_test):,} sentences in {time.perf_counter() - start:.0f} s")
for source, reference, prediction in list(zip(X_test, y_test, predictions, strict=True))[:5]:
    print(f"\n  English:   {source}\n  reference: {reference}\n  model:     {prediction}")
print(f"\ntest2016 BLEU {bleu_score(y_test, predictions):.1f}, "
      f"chrF {chrf_score(y_test, predictions):.1f} "
      f"(copying the source: BLEU {bleu_score(y_test, X_test):.1f}, "
      f"chrF {chrf_score(y_test, X_test):.1f})")  # fmt: skip

# %%
# Where the decoder looked
# ------------------------
# ``attention_weights(source, target)`` runs the decoder over a given
# translation (here the model's own) and returns, for each target token and the
# final ``</s>``, its attention over the source tokens: a row sums to 1. The
# ``▁`` marks a sub-word that starts a word. A translator that has learned the
# word pairs shows a bright cell per row near the source word being translated,
# along a rough diagonal, as the word order of the two languages is close here.
source = "A man in a blue shirt is riding a bike."
(translation,) = translator.predict([source])
weights, source_tokens, target_tokens = translator.attention_weights(source, translation)
print(f"\n{source} -> {translation}")

fig, ax = plt.subplots(figsize=(7, 6))
image = ax.imshow(weights, cmap="viridis", vmin=0, vmax=1, aspect="auto")
ax.set_xticks(range(len(source_tokens)), source_tokens, rotation=60, ha="right")
ax.set_yticks(range(len(target_tokens)), target_tokens)
ax.set_xlabel("English source (sub-words)")
ax.set_ylabel("German translation (sub-words)")
ax.set_title("Attention of GRUTranslator's decoder")
fig.colorbar(image, ax=ax, label="attention weight")
fig.tight_layout()
plt.show()
