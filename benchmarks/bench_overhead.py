"""Benchmark 5: what a fit through sknn_text costs over calling Keras ``model.fit`` directly.

Both sides train the identical network (built by ``sknn_text._architectures``) on the
same data, batch size and epochs; the ratio is our ``fit`` time over building,
compiling and fitting that network by hand. Two cases where both sides do the same
arithmetic:

- ``mlp_sparse``: IMDB TF-IDF (1-2-grams) as a SciPy CSR matrix, which Keras also takes
  directly, hidden layer 64;
- ``lstm_full_rows``: IMDB token ids of reviews at least ``LENGTH`` tokens long, so
  every row is full and bucketing by length cannot save work.

The two sides alternate within one process (medians over ``--repeats``). Prints a
markdown table and writes results/overhead.json.

    python benchmarks/bench_overhead.py [--quick] [--repeats 3]    # quick: 300 documents, 1 epoch
"""

import argparse
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import load_split, markdown_table, save_json, timed

LENGTH = 100


def mlp_case(texts, labels, epochs):
    from sklearn.feature_extraction.text import TfidfVectorizer

    from sknn_text import MLPTextClassifier
    from sknn_text._architectures._mlp import build_mlp

    X = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit_transform(texts)
    X = X.astype(np.float32).tocsr()
    y = (labels == "pos").astype(np.float32)
    batch_size, alpha = 256, 1e-4

    def plain():
        model = build_mlp(
            X.shape[1], 1, hidden_layer_sizes=(64,), sparse_input=True,
            l2=alpha / (2 * batch_size), output_activation="sigmoid", seed=0,
        )
        return model, dict(x=X, y=y, batch_size=batch_size)

    def ours():
        return MLPTextClassifier(
            hidden_layer_sizes=(64,), alpha=alpha, batch_size=batch_size, epochs=epochs,
            random_state=0,
        ).fit(X, labels)

    return f"{X.shape[0]} docs x {X.shape[1]} TF-IDF features, batch {batch_size}", plain, ours


def lstm_case(texts, labels, epochs):
    from sknn_text import LSTMTextClassifier, TextTokenizer
    from sknn_text._architectures._recurrent import build_recurrent
    from sknn_text._loop.data import sequence_lengths

    ids = TextTokenizer(max_tokens=20_000, sequence_length=LENGTH).fit_transform(texts)
    full = sequence_lengths(ids) == LENGTH
    X, labels = ids[full], labels[full]
    y = (labels == "pos").astype(np.float32)
    batch_size = 64

    def plain():
        model = build_recurrent(
            1, cell="lstm", vocabulary_size=int(X.max()) + 1, embedding_dim=32, units=(32,),
            output_activation="sigmoid", seed=0,
        )
        return model, dict(x=X, y=y, batch_size=batch_size)

    def ours():
        return LSTMTextClassifier(
            embedding_dim=32, units=32, batch_size=batch_size, epochs=epochs, random_state=0
        ).fit(X, labels)

    return f"{X.shape[0]} full rows of {LENGTH} token ids, batch {batch_size}", plain, ours


def keras_fit(build, epochs):
    import keras

    model, data = build()
    model.compile(keras.optimizers.Adam(1e-3), "binary_crossentropy", jit_compile=False)
    model.fit(**data, epochs=epochs, shuffle=True, verbose=0)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    epochs = 1 if args.quick else args.epochs
    texts, labels, _, _ = load_split("imdb", limit=300 if args.quick else 5000)
    rows = []
    for name, make in (("mlp_sparse", mlp_case), ("lstm_full_rows", lstm_case)):
        data, plain, ours = make(texts, labels, epochs)
        keras_fit(plain, 1)  # first fit of the process pays one-off start-up costs
        plain_times, our_times = [], []
        for _ in range(args.repeats):
            plain_times.append(timed(keras_fit, plain, epochs)[1])
            our_times.append(timed(ours)[1])
        keras_s, ours_s = float(np.median(plain_times)), float(np.median(our_times))
        rows.append({
            "case": name, "data": data, "epochs": epochs, "keras_fit_s": keras_s,
            "sknn_text_fit_s": ours_s, "overhead_ratio": ours_s / keras_s,
        })
    print(f"median of {args.repeats}; keras_fit_s = build + compile + model.fit of the same "
          "network\n")
    print(markdown_table(rows, ["case", "data", "epochs", "keras_fit_s", "sknn_text_fit_s",
                                "overhead_ratio"]))
    print(f"\nwrote {save_json('overhead', {'quick': args.quick, 'rows': rows})}")


if __name__ == "__main__":
    main()
