"""Benchmark: fit and predict seconds per 1,000 documents of the pretrained encoders.

``PretrainedTextClassifier`` on the bundled movie-review sentences (no shared
data needed), for local presets written here with keras-hub's
``save_to_preset`` (random weights: speed does not depend on them; the
vocabulary is the sentences' 8,000 most frequent words, so the embedding
table is smaller than BERT's 30,522 rows):

* ``tiny``: the test suite's preset, 2 layers of width 32;
* ``bert_tiny``: the shape of keras-hub's ``bert_tiny_en_uncased`` (2 layers,
  width 128, 2 heads);
* ``bert_small``: the shape of ``bert_small_en_uncased`` (4 layers, width 512,
  8 heads).

Two ways to train, each timed on the same 1,000 training sentences:

* frozen (``freeze_backbone=True``): one pass of the encoder, then 20 epochs of
  the head on the cached vectors;
* fine-tuned (``freeze_backbone=False``): one epoch of the whole network.

A fit's time includes loading the preset and tracing the new network (a
second or two); "encoder pass" is ``transform`` over the training sentences,
the part of a frozen fit that runs the backbone; prediction is timed on 1,000
other sentences, after a first call has traced the fitted network. Writes results/pretrained.json.

    python benchmarks/bench_pretrained.py [--quick] [--repeats 1]
"""

import argparse
import os
import platform
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import markdown_table, save_json, timed

from sknn_text import PretrainedTextClassifier
from sknn_text.datasets import load_movie_sentences

SHAPES = {
    "tiny": {"num_layers": 2, "hidden_dim": 32, "num_heads": 2, "intermediate_dim": 64},
    "bert_tiny": {"num_layers": 2, "hidden_dim": 128, "num_heads": 2, "intermediate_dim": 512},
    "bert_small": {"num_layers": 4, "hidden_dim": 512, "num_heads": 8, "intermediate_dim": 2048},
}
HEAD_EPOCHS = 20


def write_preset(folder, texts, shape):
    """A random-weight BERT of ``shape`` whose WordPiece vocabulary is the 8,000
    most frequent words and punctuation marks of ``texts``."""
    import keras
    import keras_hub

    keras.utils.set_random_seed(0)
    counts = Counter(word for text in texts for word in re.findall(r"\w+|[^\w\s]", text.lower()))
    words = sorted(word for word, _ in counts.most_common(8000))
    vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]
    tokenizer = keras_hub.models.BertTokenizer(vocabulary=vocabulary, lowercase=True)
    backbone = keras_hub.models.BertBackbone(
        vocabulary_size=len(vocabulary), max_sequence_length=512, **shape
    )
    keras_hub.models.BertTextClassifierPreprocessor(tokenizer).save_to_preset(folder)
    backbone.save_to_preset(folder)
    return backbone.count_params()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    texts, labels = load_movie_sentences(return_X_y=True)
    order = np.random.RandomState(0).permutation(len(texts))
    n = 100 if args.quick else 1000
    train, test = order[:n], order[n : 2 * n]
    X, y = [texts[i] for i in train], labels[train]
    X_new = [texts[i] for i in test]
    shapes = ["tiny"] if args.quick else list(SHAPES)
    rows = []
    with tempfile.TemporaryDirectory() as root:
        for name in shapes:
            folder = os.path.join(root, name)
            n_weights = write_preset(folder, texts, SHAPES[name])
            for freeze in (True, False):
                model = PretrainedTextClassifier(
                    preset=folder, freeze_backbone=freeze,
                    epochs=HEAD_EPOCHS if freeze else 1, random_state=0,
                )
                model.fit(X[:64], y[:64])  # warm up: keras-hub and TensorFlow start
                fits, predictions, passes = [], [], []
                for _ in range(args.repeats):
                    _, seconds = timed(model.fit, X, y)
                    fits.append(seconds)
                    model.predict(X_new[:64])  # the new network's first call traces it
                    _, seconds = timed(model.predict, X_new)
                    predictions.append(seconds)
                    model.transform(X_new[:64])
                    _, seconds = timed(model.transform, X)
                    passes.append(seconds)
                rows.append({
                    "preset": name,
                    "backbone weights": n_weights,
                    "training": f"frozen, {HEAD_EPOCHS} head epochs" if freeze
                    else "fine-tuned, 1 epoch",
                    "fit s / 1k docs": float(np.median(fits)) * 1000 / n,
                    "predict s / 1k docs": float(np.median(predictions)) * 1000 / n,
                    "encoder pass s / 1k docs": float(np.median(passes)) * 1000 / n,
                })
                print(rows[-1], file=sys.stderr, flush=True)
    columns = list(rows[0])
    print(markdown_table(rows, columns))
    save_json(
        "pretrained",
        {
            "quick": args.quick,
            "documents": n,
            "repeats": args.repeats,
            "machine": f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}",
            "rows": rows,
        },
    )


if __name__ == "__main__":
    main()
