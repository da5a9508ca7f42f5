"""Benchmark 2: our LSTM/GRU classifiers vs the same network in plain Keras on IMDB ids.

Both sides train the identical model (``sknn_text._architectures.build_recurrent``)
for one epoch on the same token ids and predict the test ids; prints samples/second,
our overhead ratio, and the padded-token ratio (positions processed / real tokens).
Writes results/sequences.json.

    python benchmarks/bench_sequences.py [--quick] [--repeats 3]    # quick: 200/200 docs, LSTM
"""

import argparse
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import load_split, markdown_table, save_json, timed

BATCH_SIZE, EPOCHS, LENGTH = 64, 1, 200


def plain_keras(cell, X_train, y_train, X_test):
    import keras

    from sknn_text._architectures._recurrent import build_recurrent

    model = build_recurrent(
        1, cell=cell, vocabulary_size=int(X_train.max()) + 1, embedding_dim=64,
        units=(64,), output_activation="sigmoid", seed=0,
    )
    model.compile(keras.optimizers.Adam(1e-3), "binary_crossentropy", jit_compile=False)
    _, fit_s = timed(
        model.fit, X_train, y_train, batch_size=BATCH_SIZE, epochs=EPOCHS, verbose=0
    )
    _, predict_s = timed(model.predict, X_test, batch_size=512, verbose=0)
    return fit_s, predict_s


def ours(cell, X_train, y_train, X_test):
    from sknn_text import GRUTextClassifier, LSTMTextClassifier

    cls = {"lstm": LSTMTextClassifier, "gru": GRUTextClassifier}[cell]
    model = cls(embedding_dim=64, units=64, batch_size=BATCH_SIZE, epochs=EPOCHS, random_state=0)
    _, fit_s = timed(model.fit, X_train, y_train)
    _, predict_s = timed(model.predict_proba, X_test)
    return fit_s, predict_s


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from sknn_text import TextTokenizer

    train, labels, test, _ = load_split("imdb", limit=200 if args.quick else None)
    tokenizer = TextTokenizer(max_tokens=20_000, sequence_length=LENGTH)
    X_train = tokenizer.fit_transform(train)
    X_test = tokenizer.transform(test)
    y_train = (labels == "pos").astype("float32")
    from sknn_text._loop.data import ArrayBatches, sequence_lengths

    lengths = sequence_lengths(X_train)
    bucketed = ArrayBatches(
        X_train, batch_size=BATCH_SIZE, shuffle=True, seed=0, lengths=lengths
    )
    padded_ratio = bucketed.padded_positions() / max(int(lengths.sum()), 1)
    unbucketed_ratio = X_train.size / max(int(lengths.sum()), 1)
    rows = []
    # Quick mode runs the LSTM only: the GRU goes through the same code.
    for cell in ("lstm",) if args.quick else ("lstm", "gru"):
        for name, run in (("plain keras", plain_keras), ("sknn_text", ours)):
            times = [run(cell, X_train, y_train, X_test) for _ in range(args.repeats)]
            fit_s = float(np.median([t[0] for t in times]))
            predict_s = float(np.median([t[1] for t in times]))
            rows.append({
                "model": f"{cell} / {name}",
                "train_samples_per_s": len(X_train) * EPOCHS / fit_s,
                "predict_samples_per_s": len(X_test) / predict_s,
                "fit_s": fit_s,
            })
        rows[-1]["fit_overhead_vs_keras"] = rows[-1]["fit_s"] / rows[-2]["fit_s"]
    print(f"IMDB ids: {len(X_train)} train / {len(X_test)} test documents, length {LENGTH}, "
          f"batch {BATCH_SIZE}, {EPOCHS} epoch, median of {args.repeats}; padded-token "
          f"ratio {padded_ratio:.3f} bucketed (fixed-width batches: {unbucketed_ratio:.3f})\n")
    print(markdown_table(rows, ["model", "train_samples_per_s", "predict_samples_per_s",
                                "fit_s", "fit_overhead_vs_keras"]))
    path = save_json("sequences", {"quick": args.quick, "padded_token_ratio": padded_ratio,
                                   "unbucketed_padded_token_ratio": unbucketed_ratio,
                                   "rows": rows})
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
