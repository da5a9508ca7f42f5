"""
Generating text: a character-level GRU language model
=====================================================

A language model learns which token comes next. ``GRULanguageModel`` with
``level="char"`` reads characters, so it works on any text and never meets an
unknown token. It is trained here on the movie-review sentences that ship with
sknn_text (Pang & Lee 2005, CC BY 4.0), without their labels: ``fit(texts)``
needs no ``y``. A tenth of the training windows is held out, and the validation
perplexity after every epoch is ``exp(val_loss)``.

Then the model writes. ``generate`` samples one character at a time:
``top_k=1`` takes the most likely character every time (greedy), a
temperature below 1 sharpens the distribution and one above 1 flattens it. An
int ``random_state`` gives the same text every time.

The gallery runs every example with the settings written in it; ``SKNN_TEXT_QUICK=1``
turns them into a few-second smoke run (how the test suite runs them).
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np

from sknn_text import GRULanguageModel
from sknn_text.datasets import load_movie_sentences

QUICK = os.environ.get("SKNN_TEXT_QUICK") == "1"

texts, _ = load_movie_sentences(return_X_y=True)
texts = [text.lower() for text in texts]
train, test = texts[:3000], texts[3000:3300]
if QUICK:
    train, test = train[:200], test[:50]

lm = GRULanguageModel(
    level="char",
    units=128,
    embedding_dim=32,
    dropout=0.1,
    batch_size=64,
    epochs=2 if QUICK else 12,
    learning_rate=0.005,
    early_stopping=True,
    random_state=0,
)
lm.fit(train)
print(f"{len(lm.vocabulary_)} characters in the vocabulary")
print(f"test perplexity per character: {lm.perplexity(test):.2f}")

# %%
# Perplexity per epoch
# --------------------
# ``history_`` holds the loss in nats per character: its ``exp`` is the
# perplexity, on the training windows and on the held-out ones.
epochs = np.arange(1, lm.n_iter_ + 1)
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.plot(epochs, np.exp(lm.history_["loss"]), marker="o", label="training")
ax.plot(epochs, np.exp(lm.history_["val_loss"]), marker="o", label="validation")
ax.set_xlabel("epoch")
ax.set_ylabel("perplexity per character")
ax.legend()
fig.tight_layout()

# %%
# Samples
# -------
for settings in [
    {"top_k": 1},
    {"temperature": 0.5, "random_state": 0},
    {"temperature": 1.0, "top_p": 0.9, "random_state": 0},
]:
    sample = lm.generate("the movie is ", max_new_tokens=80, **settings)
    print(f"{settings}:\n    {sample!r}")

# %%
# The keyboard: the three most likely next characters.
print(lm.predict_next(["the acting is wonderf", "a bad mov"], top_k=3))
