"""Benchmark 3: TextTokenizer vs CountVectorizer vs Keras TextVectorization, docs/second.

All three fit on the same IMDB training documents and transform the test documents
(medians over --repeats). Prints a markdown table and writes results/tokenizer.json.

    python benchmarks/bench_tokenizer.py [--quick] [--repeats 3]
"""

import argparse
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import load_split, markdown_table, save_json, timed


def candidates(sequence_length):
    import keras
    from sklearn.feature_extraction.text import CountVectorizer

    from sknn_text import TextTokenizer

    def keras_vectorization(train, test):
        layer = keras.layers.TextVectorization(
            max_tokens=20_000, output_sequence_length=sequence_length
        )
        layer.adapt(np.asarray(train))
        return lambda: np.asarray(layer(np.asarray(test)))

    def sklearn_style(make):
        def run(train, test):
            model = make().fit(train)
            return lambda: model.transform(test)

        return run

    return {
        "sknn_text.TextTokenizer": sklearn_style(
            lambda: TextTokenizer(max_tokens=20_000, sequence_length=sequence_length)
        ),
        "sklearn.CountVectorizer": sklearn_style(lambda: CountVectorizer(max_features=20_000)),
        "keras.TextVectorization": keras_vectorization,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    train, _, test, _ = load_split("imdb", limit=1000 if args.quick else None)
    rows = []
    for name, prepare in candidates(200).items():
        fit_times, transform_times = [], []
        for _ in range(args.repeats):
            transform, fit_seconds = timed(prepare, train, test)
            _, transform_seconds = timed(transform)
            fit_times.append(fit_seconds)
            transform_times.append(transform_seconds)
        rows.append({
            "tokenizer": name,
            "fit_docs_per_s": len(train) / float(np.median(fit_times)),
            "transform_docs_per_s": len(test) / float(np.median(transform_times)),
        })
    ours = rows[0]
    for row in rows:
        row["transform_ratio_vs_ours"] = row["transform_docs_per_s"] / ours["transform_docs_per_s"]
    print(f"IMDB: fit on {len(train)} documents, transform {len(test)}; "
          f"median of {args.repeats}\n")
    print(markdown_table(rows, ["tokenizer", "fit_docs_per_s", "transform_docs_per_s",
                                "transform_ratio_vs_ours"]))
    print(f"\nwrote {save_json('tokenizer', {'quick': args.quick, 'rows': rows})}")


if __name__ == "__main__":
    main()
