"""Streaming a corpus bigger than memory, and data parallelism (issue 30).

Part 1, out of core: the 25,000 IMDB training reviews, shuffled ``--scale``
times over into one gzip CSV on disk (10: 250,000 documents), are read in
chunks by ``iter_text_csv``, turned into ids by a hashing ``TextTokenizer`` and
fed to ``FastTextClassifier.partial_fit``. Each run is a fresh process, so
that its peak RSS is its own:

* ``memory``: the in-memory baseline, ``fit`` with ``epochs=1`` (one pass,
  as the stream's) on the 25,000 reviews tokenized at once;
* ``stream-1x``: the 25,000 reviews streamed once;
* ``stream-Nx``: the whole file, ``scale`` x 25,000 documents.

Documents per second count everything a document costs: reading,
tokenizing, training. Accuracy is on 5,000 IMDB test reviews.

Part 2, data parallel: the same LSTM fit (JAX backend, 2 epochs, 4,000
reviews cut to 100 tokens) on 1 and on 2 virtual CPU devices
(``XLA_FLAGS=--xla_force_host_platform_device_count=2``); on CPU this is
about correctness (same accuracy), not speed.

Usage: ``python benchmarks/bench_streaming.py [--scale 10] [--repeats 1]``
(writes benchmarks/results/streaming.json).
"""

import argparse
import csv
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, load_split, peak_rss_mb

MAX_TOKENS, LENGTH, CHUNK = 2**18, 200, 2000


def network(classes=True):
    from sknn_text import FastTextClassifier

    return FastTextClassifier(
        embedding_dim=32, vocabulary_size=MAX_TOKENS, batch_size=64, random_state=0
    )


def tokenizer():
    from sknn_text import TextTokenizer

    # Hashed ids and a set length: nothing to learn, no fit needed.
    return TextTokenizer(vocabulary="hashing", max_tokens=MAX_TOKENS, sequence_length=LENGTH)


def worker(mode, path, n_documents):
    from sknn_text.datasets import iter_text_csv

    _, _, test_texts, test_labels = load_split("imdb", limit=5000)
    tok = tokenizer()
    test_ids = tok.transform(test_texts)
    del test_texts
    start = time.perf_counter()
    if mode == "memory":
        texts, labels = [], []
        for chunk_texts, chunk_labels in iter_text_csv(
            path, text_column="text", target_column="label", chunksize=CHUNK, shuffle_buffer=0
        ):
            texts.extend(chunk_texts)
            labels.extend(chunk_labels)
            if len(texts) >= n_documents:
                break
        start = time.perf_counter()  # the in-memory fit starts from texts in memory
        # One epoch, as one pass of the stream (epochs="auto" would hold out a
        # validation split and train several).
        model = network().set_params(epochs=1).fit(tok.transform(texts), np.array(labels))
        seen = len(texts)
    else:
        model, seen = network(), 0
        for chunk_texts, chunk_labels in iter_text_csv(
            path, text_column="text", target_column="label", chunksize=CHUNK, shuffle_buffer=0
        ):
            model.partial_fit(tok.transform(chunk_texts), chunk_labels, classes=["neg", "pos"])
            seen += len(chunk_texts)
            if seen >= n_documents:
                break
    seconds = time.perf_counter() - start
    print(json.dumps({
        "mode": mode,
        "documents": seen,
        "seconds": round(seconds, 1),
        "documents_per_second": round(seen / seconds, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "accuracy": round(float(model.score(test_ids, test_labels)), 4),
    }))


DATA_PARALLEL = """
import json, time, sys
import numpy as np, jax, keras
sys.path.insert(0, {bench!r})
from _common import load_split
from sknn_text import LSTMTextClassifier, TextTokenizer
train, y, test, y_test = load_split("imdb", limit=4000)
tok = TextTokenizer(max_tokens=20000, sequence_length=100).fit(train)
X, X_test = tok.transform(train), tok.transform(test)
if {devices} > 1:
    keras.distribution.set_distribution(keras.distribution.DataParallel(devices=jax.devices()))
model = LSTMTextClassifier(units=32, embedding_dim=32, epochs=2, batch_size=64, random_state=0)
start = time.perf_counter()
model.fit(X, y)
seconds = time.perf_counter() - start
steps = 2 * int(np.ceil(len(X) / 64))
accuracy = round(float(model.score(X_test, y_test)), 4)
print("RESULT" + json.dumps({{"devices": len(jax.devices()), "accuracy": accuracy,
      "fit_seconds": round(seconds, 1), "step_ms": round(1000 * seconds / steps, 1)}}))
"""


def data_parallel(devices):
    env = {
        **os.environ,
        "KERAS_BACKEND": "jax",
        "JAX_PLATFORMS": "cpu",
        "XLA_FLAGS": f"--xla_force_host_platform_device_count={devices}",
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    code = DATA_PARALLEL.format(bench=str(Path(__file__).resolve().parent), devices=devices)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT")]
    if not lines:
        return {"devices": devices, "error": done.stderr[-500:]}
    return json.loads(lines[-1][len("RESULT"):])


def write_corpus(path, scale):
    train, labels, _, _ = load_split("imdb")
    rng = np.random.RandomState(0)
    with gzip.open(path, "wt", encoding="utf-8", newline="", compresslevel=1) as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for _ in range(scale):
            for row in rng.permutation(len(train)):
                writer.writerow([train[row], labels[row]])
    return len(train)


def run(mode, path, n_documents):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, __file__, "--worker", mode, str(path), str(n_documents)],
        env=env, capture_output=True, text=True, check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {"mode": mode, "error": done.stderr[-500:]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--skip-data-parallel", action="store_true")
    parser.add_argument("--worker", nargs=3)
    args = parser.parse_args()
    if args.worker:
        mode, path, n_documents = args.worker
        worker(mode, path, int(n_documents))
        return
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "imdb_stream.csv.gz"
        base = write_corpus(path, args.scale)
        for _ in range(args.repeats):
            for mode, n_documents in [
                ("memory", base),
                ("stream-1x", base),
                (f"stream-{args.scale}x", base * args.scale),
            ]:
                rows.append(run(mode, path, n_documents))
                print(rows[-1], flush=True)  # each run as soon as it ends
    parallel = [] if args.skip_data_parallel else [data_parallel(1), data_parallel(2)]
    for row in parallel:
        print(row, flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "streaming.json").write_text(
        json.dumps({"scale": args.scale, "rows": rows, "data_parallel": parallel}, indent=1)
    )


if __name__ == "__main__":
    main()
