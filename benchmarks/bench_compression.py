"""Compression: MLPTextAutoencoder codes against LSA (TruncatedSVD) at 100 components.

On each data set the same TF-IDF (fitted on the training part) feeds

* ``TruncatedSVD(n_components)`` (LSA),
* ``MLPTextAutoencoder(n_components)``, at its defaults or in the variants of
  ``--variants`` (``loss:code_activation[:learning_rate]``, e.g. ``mse:identity``),

and the same ``LogisticRegression(C=10, max_iter=2000)`` (the protocol of the shared
data sets' SOURCE.md) is trained on each code. Reported: test accuracy of LR on the
codes (LR on the whole TF-IDF beside them), reconstruction error of the held-out rows
(mean squared distance between a unit-norm TF-IDF row and its reconstruction; the mean
training row as a trivial baseline), and fit seconds of the compressor. The official
split where the data set has one (20newsgroups), else stratified 5-fold CV
(``StratifiedKFold(5, shuffle=True, random_state=0)``) as its SOURCE.md says, of which
a run scores the first ``--max-folds`` (2; 0 scores all 5) to stay near 10 minutes.

    python benchmarks/bench_compression.py            # 3 data sets, about 10 minutes
    python benchmarks/bench_compression.py --quick    # 600 rt_polarity sentences, 2 folds
    python benchmarks/bench_compression.py --variants default,mse:identity,cosine:identity

The TF-IDF keeps the ``--max-features`` most frequent 1-2-grams (``min_df=2``,
``sublinear_tf=True``): the autoencoder's decoder has one weight per feature and code
unit. Needs shared/datasets/{rt_polarity,20newsgroups_bydate,bbc_news}.
"""

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import load_all, load_split, markdown_table, save_json

DATASETS = ("rt_polarity", "20newsgroups_bydate", "bbc_news")
COLUMNS = ["data set", "model", "accuracy", "accuracy std", "error", "fit_s", "epochs"]


def splits(name, quick):
    """``[(train_texts, train_labels, test_texts, test_labels), ...]`` of ``name``."""
    from sklearn.model_selection import StratifiedKFold

    if name == "20newsgroups_bydate":
        return [load_split(name, limit=600 if quick else None)]
    texts, labels = load_all(name)
    if quick:
        keep = np.random.RandomState(0).permutation(len(texts))[:600]
        texts, labels = [texts[i] for i in keep], labels[keep]
    folds = StratifiedKFold(2 if quick else 5, shuffle=True, random_state=0)
    return [
        ([texts[i] for i in train], labels[train], [texts[i] for i in test], labels[test])
        for train, test in folds.split(texts, labels)
    ]


def compressor(variant, n_components):
    from sklearn.decomposition import TruncatedSVD

    from sknn_text import MLPTextAutoencoder

    if variant == "lsa":
        return TruncatedSVD(n_components, random_state=0)
    names = ("loss", "code_activation", "learning_rate")
    params = {} if variant == "default" else dict(zip(names, variant.split(":"), strict=False))
    if "learning_rate" in params:
        params["learning_rate"] = float(params["learning_rate"])
    return MLPTextAutoencoder(n_components, random_state=0, **params)


def reconstruction_error(X, reconstructed):
    """Mean over rows of ``||x - x_hat||^2`` for unit-norm rows ``x``."""
    from sklearn.preprocessing import normalize

    X = normalize(X)
    squared = np.asarray(X.multiply(X).sum(axis=1)).ravel()
    cross = np.asarray(X.multiply(reconstructed).sum(axis=1)).ravel()
    return float(np.mean(squared - 2 * cross + (reconstructed**2).sum(axis=1)))


def run_fold(fold, variants, n_components, max_features):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    train_texts, y_train, test_texts, y_test = fold
    tfidf = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=max_features
    )
    X_train, X_test = tfidf.fit_transform(train_texts), tfidf.transform(test_texts)

    def lr():
        return LogisticRegression(C=10, max_iter=2000)

    mean_row = np.asarray(X_train.mean(axis=0))  # the best constant reconstruction
    rows = {
        "tfidf": {"accuracy": lr().fit(X_train, y_train).score(X_test, y_test)},
        "mean row": {
            "error": reconstruction_error(X_test, np.repeat(mean_row, X_test.shape[0], axis=0))
        },
    }
    for variant in ["lsa", *variants]:
        model = compressor(variant, n_components)
        start = time.perf_counter()
        codes_train = model.fit_transform(X_train)
        seconds = time.perf_counter() - start
        codes_test = model.transform(X_test)
        rows[variant] = {
            "accuracy": lr().fit(codes_train, y_train).score(codes_test, y_test),
            "error": reconstruction_error(X_test, model.inverse_transform(codes_test)),
            "fit_s": seconds,
            "epochs": getattr(model, "n_iter_", None),
        }
    return rows, X_train.shape[1]


def main():
    csv.field_size_limit(sys.maxsize)  # a 20newsgroups post is longer than the default
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--variants", default="default")
    parser.add_argument("--components", type=int, default=100)
    parser.add_argument("--max-features", type=int, default=20000)
    parser.add_argument(
        "--max-folds", type=int, default=2, help="the first folds of the 5 only (0: all 5)"
    )
    args = parser.parse_args()
    names = ["rt_polarity"] if args.quick else args.datasets.split(",")
    variants = args.variants.split(",")
    table, results = [], {}
    for name in names:
        folds = splits(name, args.quick)[: args.max_folds or None]
        per_fold = []
        for fold in folds:
            rows, width = run_fold(fold, variants, args.components, args.max_features)
            per_fold.append(rows)
        results[name] = per_fold
        for model in per_fold[0]:
            row = {"data set": name, "model": model, "features": width, "folds": len(folds)}
            for key in ("accuracy", "error", "fit_s", "epochs"):
                values = [rows[model][key] for rows in per_fold if rows[model].get(key) is not None]
                if values:
                    row[key] = float(np.mean(values))
                    if key == "accuracy" and len(values) > 1:
                        row["accuracy std"] = float(np.std(values))
            table.append(row)
        rows = [row for row in table if row["data set"] == name]
        print(markdown_table(rows, COLUMNS), flush=True)
    print(markdown_table(table, COLUMNS))
    path = save_json(
        "compression",
        {"quick": args.quick, "components": args.components, "rows": table, "folds": results},
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
