"""Benchmark 6: how big is a saved model, and what of it does prediction need?

A TF-IDF (1-2-grams) + MLPTextClassifier((256, 128)) pipeline, fitted on the bundled
movie-review sentences, saved every way sknn_text supports: its file with and without
the optimizer's state, joblib, skops, and the network's ONNX export; against the
weights alone (float32). Prints a markdown table and writes results/saving.json.

    python benchmarks/bench_saving.py [--quick]    # quick: every 20th sentence, MLP (16, 8)
"""

import argparse
import io
import os
import sys
import tempfile
import zipfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import markdown_table, save_json, timed


def sizes(pipeline, texts):
    import joblib
    import skops.io

    import sknn_text

    network = pipeline[-1]
    weights = sum(w.nbytes for w in network.model_.get_weights())
    expected = pipeline.predict_proba(texts)
    rows = []

    def add(name, write, read, *, member=None):
        buffer = io.BytesIO()
        _, save_seconds = timed(write, buffer)
        size = len(buffer.getvalue())
        buffer.seek(0)
        loaded, load_seconds = timed(read, buffer)
        same = loaded is None or bool((loaded.predict_proba(texts) == expected).all())
        row = {"format": name, "MB": size / 1e6, "x_weights": size / weights,
               "save_s": save_seconds, "load_s": load_seconds, "same_predictions": same}
        if member:
            with zipfile.ZipFile(buffer) as archive:
                row["network_MB"] = len(archive.read(member)) / 1e6
        rows.append(row)

    rows.append({"format": "weights alone (float32)", "MB": weights / 1e6, "x_weights": 1.0})
    add("sknn_text.save", lambda f: sknn_text.save(pipeline, f), sknn_text.load,
        member="steps/1/model.keras")
    add("sknn_text.save(include_optimizer=False)",
        lambda f: sknn_text.save(pipeline, f, include_optimizer=False), sknn_text.load,
        member="steps/1/model.keras")
    add("joblib", lambda f: joblib.dump(pipeline, f), joblib.load)
    add("skops.io",
        lambda f: f.write(skops.io.dumps(pipeline)),
        lambda f: skops.io.loads(f.read(), trusted=sknn_text.skops_trusted_types()))
    if hasattr(network, "export"):
        folder = tempfile.mkdtemp()
        path = os.path.join(folder, "network.onnx")

        def export(f):
            network.export(path)
            f.write(Path(path).read_bytes())

        add("ONNX export of the network", export, lambda f: None)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=1, help="unused; for the CI runner")
    args = parser.parse_args()
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline

    from sknn_text import MLPTextClassifier
    from sknn_text.datasets import load_movie_sentences

    texts, labels = load_movie_sentences(return_X_y=True)
    hidden = (16, 8) if args.quick else (256, 128)
    tfidf = TfidfVectorizer(ngram_range=(1, 2), max_features=2000 if args.quick else None)
    if args.quick:
        texts, labels = texts[::20], labels[::20]
    network = MLPTextClassifier(hidden, epochs=1, random_state=0)
    pipeline, fit_seconds = timed(make_pipeline(tfidf, network).fit, texts, labels)
    rows = sizes(pipeline, texts)
    n_features = len(pipeline[0].vocabulary_)
    print(f"TF-IDF 1-2-grams ({n_features:,} features) + MLP {hidden}, "
          f"{len(texts):,} sentences, one epoch ({fit_seconds:.0f} s)\n")
    print(markdown_table(rows, ["format", "MB", "x_weights", "network_MB", "save_s", "load_s",
                                "same_predictions"]))
    payload = {"quick": args.quick, "n_features": n_features, "hidden": hidden, "rows": rows}
    print(f"\nwrote {save_json('saving', payload)}")


if __name__ == "__main__":
    main()
