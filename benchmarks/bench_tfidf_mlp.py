"""Benchmark 1: IMDB TF-IDF -> LogisticRegression, sklearn MLPClassifier, scikeras, ours.

Every candidate runs in its own fresh process on the same saved TF-IDF matrix, so peak
RSS is comparable; the MLPs share hidden layers, batch size and epochs. Prints a
markdown table (medians over --repeats) with the ratios the performance issue tracks,
and writes benchmarks/results/tfidf_mlp.json.

    python benchmarks/bench_tfidf_mlp.py            # full IMDB (25k/25k), slow
    python benchmarks/bench_tfidf_mlp.py --quick    # 500/500 documents, 1 epoch

--quick is a smoke test: all four candidates run one after the other in a single
worker process (one TensorFlow start-up instead of one per candidate), so its peak RSS
figures are not per candidate.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    current_rss_mb,
    load_split,
    markdown_table,
    peak_rss_mb,
    run_worker,
    run_worker_lines,
    save_json,
    timed,
)

CANDIDATES = ["logistic_regression", "sklearn_mlp", "scikeras", "sknn_text"]


def build(name, hidden, batch_size, epochs):
    if name == "logistic_regression":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=10, max_iter=2000)
    if name == "sklearn_mlp":
        from sklearn.neural_network import MLPClassifier

        return MLPClassifier(
            hidden_layer_sizes=(hidden,), batch_size=batch_size, max_iter=epochs,
            n_iter_no_change=epochs + 1, random_state=0,
        )
    if name == "scikeras":
        import keras
        from scikeras.wrappers import KerasClassifier

        def model(meta):
            inputs = keras.Input((meta["n_features_in_"],))
            x = keras.layers.Dense(hidden, activation="relu")(inputs)
            outputs = keras.layers.Dense(1, activation="sigmoid")(x)
            return keras.Model(inputs, outputs)

        return KerasClassifier(
            model, loss="binary_crossentropy", optimizer="adam", batch_size=batch_size,
            epochs=epochs, verbose=0, random_state=0,
        )
    from sknn_text import MLPTextClassifier

    return MLPTextClassifier(
        hidden_layer_sizes=(hidden,), batch_size=batch_size, epochs=epochs, random_state=0
    )


def worker(names, data_dir, hidden, batch_size, epochs):
    """Fit and score each of the comma-separated candidates ``names`` in turn (the
    full run passes one per process); prints one JSON line per candidate."""
    import scipy.sparse as sp

    data_dir = Path(data_dir)
    X_train = sp.load_npz(data_dir / "train.npz")
    X_test = sp.load_npz(data_dir / "test.npz")
    y_train = np.load(data_dir / "y_train.npy")
    y_test = np.load(data_dir / "y_test.npy")
    for name in names.split(","):
        candidate(name, X_train, y_train, X_test, y_test, hidden, batch_size, epochs)


def candidate(name, X_train, y_train, X_test, y_test, hidden, batch_size, epochs):
    model = build(name, int(hidden), int(batch_size), int(epochs))
    if name == "scikeras" and X_train.shape[0] * X_train.shape[1] * 4 > 8e9:
        print(json.dumps({"error": "scikeras densifies X: over 8 GB, skipped"}))
        return
    before = current_rss_mb()
    _, fit_seconds = timed(model.fit, X_train, y_train)
    peak = peak_rss_mb()
    accuracy = float(np.mean(model.predict(X_test) == y_test))
    n_epochs = getattr(model, "n_iter_", None) or int(epochs)
    if name == "logistic_regression":
        n_epochs = 1
    print(json.dumps({
        "candidate": name,
        "accuracy": accuracy,
        "fit_s": fit_seconds,
        "s_per_epoch": fit_seconds / int(np.max(n_epochs)),
        "peak_rss_mb": peak,
        "rss_before_fit_mb": before,
        "fit_rss_growth_mb": peak - before,
    }))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--worker", nargs=5)
    args = parser.parse_args()
    if args.worker:
        return worker(*args.worker)

    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer

    limit = 500 if args.quick else None
    epochs = 1 if args.quick else args.epochs
    X_train, y_train, X_test, y_test = load_split("imdb", limit=limit)
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    M_train = vectorizer.fit_transform(X_train).astype(np.float32).tocsr()
    M_test = vectorizer.transform(X_test).astype(np.float32).tocsr()
    csr_mb = (M_train.data.nbytes + M_train.indices.nbytes + M_train.indptr.nbytes) / 2**20
    model_mb = (M_train.shape[1] * args.hidden + args.hidden * 2) * 4 / 2**20
    rows = []
    with tempfile.TemporaryDirectory() as data_dir:
        sp.save_npz(os.path.join(data_dir, "train.npz"), M_train)
        sp.save_npz(os.path.join(data_dir, "test.npz"), M_test)
        np.save(os.path.join(data_dir, "y_train.npy"), y_train)
        np.save(os.path.join(data_dir, "y_test.npy"), y_test)
        if args.quick:
            # One worker process for all candidates: each fresh process would spend
            # most of a quick run starting TensorFlow.
            quick_runs = [
                run_worker_lines(__file__, ",".join(CANDIDATES), data_dir, args.hidden,
                                 args.batch_size, epochs)
                for _ in range(args.repeats)
            ]
        for name in CANDIDATES:
            if args.quick:
                # One line per candidate, in order, or one line saying why none came.
                runs = [lines[CANDIDATES.index(name)] if len(lines) == len(CANDIDATES)
                        else lines[-1] for lines in quick_runs]
            else:
                runs = [
                    run_worker(__file__, name, data_dir, args.hidden, args.batch_size, epochs)
                    for _ in range(args.repeats)
                ]
            good = [run for run in runs if "error" not in run]
            if not good:
                rows.append({"candidate": name, "error": runs[0]["error"]})
                continue
            rows.append({
                key: (float(np.median([run[key] for run in good])) if key != "candidate" else name)
                for key in good[0]
            })
    by_name = {row["candidate"]: row for row in rows if "error" not in row}
    ratios = {}
    if "sknn_text" in by_name and "sklearn_mlp" in by_name:
        ratios["s_per_epoch_vs_sklearn_mlp"] = (
            by_name["sknn_text"]["s_per_epoch"] / by_name["sklearn_mlp"]["s_per_epoch"]
        )
    if "sknn_text" in by_name:
        budget = 2 * csr_mb + model_mb + 300
        ratios["fit_rss_growth_vs_budget"] = by_name["sknn_text"]["fit_rss_growth_mb"] / budget
    if "sknn_text" in by_name and "scikeras" in by_name:
        ratios["peak_rss_vs_scikeras"] = (
            by_name["sknn_text"]["peak_rss_mb"] / by_name["scikeras"]["peak_rss_mb"]
        )
    print(f"IMDB TF-IDF: {M_train.shape[0]} train docs, {M_train.shape[1]} features, "
          f"CSR {csr_mb:.0f} MB; hidden={args.hidden}, batch={args.batch_size}, "
          f"epochs={epochs}, repeats={args.repeats}\n")
    print(markdown_table(rows, ["candidate", "accuracy", "fit_s", "s_per_epoch",
                                "peak_rss_mb", "fit_rss_growth_mb", "error"]))
    print("\n" + markdown_table([ratios], list(ratios)))
    path = save_json("tfidf_mlp", {"quick": args.quick, "n_features": M_train.shape[1],
                                   "csr_mb": csr_mb, "rows": rows, "ratios": ratios})
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
