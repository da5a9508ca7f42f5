"""Benchmark 9: word-level language models on the Penn Treebank (Mikolov's version).

Trains ``LSTMLanguageModel`` on PTB train (two passes by default: a CPU budget)
and reports, side by side,

* PTB valid and test perplexity (``<eos>`` counted, 10k vocabulary), top-1 and
  top-3 next-word accuracy on test (the keyboard numbers), and the training time;
* a count-based baseline measured here: an interpolated Kneser-Ney trigram
  (absolute discount 0.75, Chen & Goodman 1998), written below in plain Python,
  next to the published anchors (KN5 141.2, Mikolov et al. 2011; LSTM "small"
  114.5, Zaremba et al. 2014);
* tokens per second in training and in generation, against a plain Keras model
  of the same network (embedding, LSTM, softmax) trained with ``model.fit`` on
  the same windows and sampled with the same greedy loop.

Nothing is tuned on test: the configuration is fixed below, before any run.
Writes results/language_model.json.

    python benchmarks/bench_language_model.py [--quick] [--epochs 2] [--early-stopping]
        [--parts kn,speed,train]
"""

import argparse
import gzip
import math
import os
import sys
import time
from collections import Counter
from itertools import pairwise
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED, markdown_table, save_json, timed

#: The configuration of the benchmark (fixed before looking at any score).
#: A first run (256 units, batch 64, learning rate 0.002, one epoch: 415 steps in
#: 12.8 min) reached a valid perplexity of 363: on 2 CPU cores, more optimizer steps
#: of a narrower network do better in the same time.
CONFIG = {
    "units": 128,
    "embedding_dim": 128,
    "tie_weights": True,
    "dropout": 0.0,  # two passes over the data do not overfit
    "batch_size": 32,
    "learning_rate": 0.003,
    "sequence_length": 35,
    "max_tokens": None,
}
QUICK_CONFIG = {**CONFIG, "units": 32, "embedding_dim": 32, "batch_size": 32}
ANCHORS = {"KN5 (Mikolov et al. 2011)": 141.2, "LSTM small (Zaremba et al. 2014)": 114.5}


def read_ptb(split, limit=None):
    path = SHARED / "ptb" / f"{split}.txt.gz"
    if not path.exists():
        sys.exit(f"{path} not found: this benchmark needs shared/datasets/ptb.")
    with gzip.open(path, "rt", encoding="ascii") as handle:
        lines = handle.read().splitlines()
    return lines[:limit] if limit else lines


def stream(lines):
    """The tokens of ``lines`` with one ``<eos>`` after each (PTB convention)."""
    return ["<eos>", *(w for line in lines for w in [*line.split(), "<eos>"])]


# ------------------------------------------------------------ Kneser-Ney trigram
class KneserNeyTrigram:
    """Interpolated Kneser-Ney trigram with one absolute discount ``D``."""

    def __init__(self, tokens, discount=0.75):
        self.D = discount
        self.c3 = Counter(zip(tokens, tokens[1:], tokens[2:], strict=False))
        self.c2_context = Counter()  # c(u, v, .)
        self.n_follow2 = Counter()  # N1+(u, v, .)
        for (u, v, _), _count in self.c3.items():
            self.n_follow2[(u, v)] += 1
        for (u, v, _), count in self.c3.items():
            self.c2_context[(u, v)] += count
        bigrams = set(pairwise(tokens))
        self.n_precede2 = Counter()  # N1+(., v, w): distinct u before (v, w)
        for _, v, w in self.c3:
            self.n_precede2[(v, w)] += 1
        self.n_precede2_context = Counter()  # N1+(., v, .)
        self.n_follow1 = Counter()  # distinct w with N1+(., v, w) > 0
        for (v, _w), count in self.n_precede2.items():
            self.n_precede2_context[v] += count
            self.n_follow1[v] += 1
        self.n_precede1 = Counter(w for _, w in bigrams)  # N1+(., w)
        self.n_bigram_types = len(bigrams)
        self.vocabulary = set(tokens)

    def unigram(self, w):
        n_types = len(self.n_precede1)
        uniform = 1.0 / len(self.vocabulary)
        return (
            max(self.n_precede1[w] - self.D, 0) + self.D * n_types * uniform
        ) / self.n_bigram_types

    def bigram(self, v, w):
        total = self.n_precede2_context[v]
        if total == 0:
            return self.unigram(w)
        backoff = self.D * self.n_follow1[v] / total
        return max(self.n_precede2[(v, w)] - self.D, 0) / total + backoff * self.unigram(w)

    def trigram(self, u, v, w):
        total = self.c2_context[(u, v)]
        if total == 0:
            return self.bigram(v, w)
        backoff = self.D * self.n_follow2[(u, v)] / total
        return max(self.c3[(u, v, w)] - self.D, 0) / total + backoff * self.bigram(v, w)

    def perplexity(self, tokens):
        """Over every token after the first (the first has a bigram context)."""
        logs = [math.log(self.bigram(tokens[0], tokens[1]))]
        logs += [math.log(self.trigram(*tokens[i - 2 : i + 1])) for i in range(2, len(tokens))]
        return math.exp(-sum(logs) / len(logs))


# ------------------------------------------------------------------- our model
def evaluate(lm, lines):
    """Perplexity and top-1/top-3 next-word accuracy in one pass over ``lines``."""
    from sknn_text._text_stream import corpus_stream, scoring_windows, token_index

    ids = corpus_stream([line.split() for line in lines], token_index(lm.vocabulary_))
    inputs, targets, scored = scoring_windows(ids, lm.sequence_length_)
    log_sum, top1, top3 = 0.0, 0, 0
    for start, probabilities in lm._predict_rows(inputs):
        rows = slice(start, start + probabilities.shape[0])
        mask = scored[rows]
        chosen = np.take_along_axis(probabilities, targets[rows, :, None], axis=-1)
        log_sum += float(np.log(np.maximum(chosen[..., 0][mask].astype(np.float64), 1e-300)).sum())
        rank = (probabilities > chosen).sum(axis=-1)[mask]
        top1 += int((rank < 1).sum())
        top3 += int((rank < 3).sum())
    count = int(scored.sum())
    return {"perplexity": math.exp(-log_sum / count), "top1": top1 / count, "top3": top3 / count}


def plain_keras_speed(lm, lines, config, n_generate, jit_compile="auto"):
    """Tokens/s of the same network in plain Keras: ``model.fit`` and a greedy loop
    calling ``model(window)`` (``jit_compile="auto"`` is Keras's default: XLA on CPU)."""
    import keras

    from sknn_text._text_stream import corpus_stream, token_index, training_windows

    ids = corpus_stream([line.split() for line in lines], token_index(lm.vocabulary_))
    inputs, targets = training_windows(ids, config["sequence_length"])
    V = len(lm.vocabulary_)
    model = keras.Sequential([
        keras.Input((None,), dtype="int32"),
        keras.layers.Embedding(V, config["embedding_dim"]),
        keras.layers.LSTM(config["units"], return_sequences=True),
        keras.layers.Dense(V, activation="softmax"),
    ])
    model.compile(keras.optimizers.Adam(config["learning_rate"]),
                  "sparse_categorical_crossentropy", jit_compile=jit_compile)
    _, fit_s = timed(model.fit, inputs, targets, batch_size=config["batch_size"],
                     epochs=1, verbose=0, shuffle=True)
    context = [2]
    start = time.perf_counter()
    for _ in range(n_generate):
        window = np.asarray([context[-config["sequence_length"]:]], dtype=np.int32)
        probabilities = keras.ops.convert_to_numpy(model(window, training=False))[0, -1]
        context.append(int(np.argmax(probabilities[3:])) + 3)
    generate_s = time.perf_counter() - start
    return inputs.size / fit_s, n_generate / generate_s


def our_speed(lines, config, n_generate):
    from sknn_text import LSTMLanguageModel

    params = {**config, "tie_weights": False}
    lm = LSTMLanguageModel(epochs=1, random_state=0, **params)
    _, fit_s = timed(lm.fit, lines)
    n_tokens = sum(len(line.split()) + 1 for line in lines)
    start = time.perf_counter()
    text = lm.generate("", max_new_tokens=n_generate, top_k=1)
    generated = len(text.split())
    # A greedy text may end early (at <eos>): continue from it until n_generate.
    while generated < n_generate:
        text = lm.generate(text, max_new_tokens=n_generate - generated, top_k=1)
        generated = max(len(text.split()), generated + 1)
    generate_s = time.perf_counter() - start
    return lm, n_tokens / fit_s, n_generate / generate_s


def compare_speed(train, config, quick):
    """Best of two alternating runs of each side (the machine is shared), after a
    warm-up fit of each, so that neither pays TensorFlow's first traces."""
    lines = train[: 300 if quick else 3000]
    n_generate = 20 if quick else 200
    sides = {"LSTMLanguageModel": [], "plain Keras (XLA, Keras's default)": [],
             "plain Keras (jit_compile=False, as sknn_text)": []}
    our_speed(train[:50], config, 2)
    for _ in range(1 if quick else 2):
        lm, *speeds = our_speed(lines, config, n_generate)
        sides["LSTMLanguageModel"].append(speeds)
        for name, jit in zip(list(sides)[1:], ("auto", False), strict=True):
            sides[name].append(plain_keras_speed(lm, lines, config, n_generate, jit))
    return [
        {"model": name, "train_tokens_per_s": max(s[0] for s in runs),
         "generate_tokens_per_s": max(s[1] for s in runs)}
        for name, runs in sides.items()
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--early-stopping", action="store_true",
                        help="hold out 5%% of train; stop after 2 epochs without a better "
                             "validation perplexity and keep the best epoch")
    parser.add_argument("--parts", default="kn,speed,train",
                        help="comma-separated: kn (n-gram baseline), speed, train")
    args = parser.parse_args()
    args.parts = args.parts.split(",")
    from sknn_text import LSTMLanguageModel

    limit = 2000 if args.quick else None
    train = read_ptb("train", limit)
    valid = read_ptb("valid", limit and limit // 10)
    test = read_ptb("test", limit and limit // 10)
    config = QUICK_CONFIG if args.quick else CONFIG
    payload = {"quick": args.quick, "config": config, "epochs": args.epochs, "anchors": ANCHORS}

    if "kn" in args.parts:
        kn, kn_fit_s = timed(KneserNeyTrigram, stream(train))
        payload["kneser_ney_trigram"] = {
            "valid_perplexity": kn.perplexity(stream(valid)),
            "test_perplexity": kn.perplexity(stream(test)),
            "fit_s": kn_fit_s,
        }
        print("KN trigram:", payload["kneser_ney_trigram"], flush=True)

    if "speed" in args.parts:
        payload["speed"] = speed_rows = compare_speed(train, config, args.quick)
        print(markdown_table(speed_rows, ["model", "train_tokens_per_s", "generate_tokens_per_s"]),
              flush=True)
    if "train" not in args.parts:
        save_json("language_model_speed" if args.parts == ["speed"] else "language_model", payload)
        return
    stopping = (
        {"early_stopping": True, "validation_fraction": 0.05, "n_iter_no_change": 2}
        if args.early_stopping else {}
    )
    payload["early_stopping"] = stopping
    lm = LSTMLanguageModel(epochs=args.epochs, random_state=0, verbose=2, **config, **stopping)
    _, fit_s = timed(lm.fit, train)
    valid_scores, test_scores = evaluate(lm, valid), evaluate(lm, test)
    check = lm.perplexity(test[:200])
    assert abs(check - evaluate(lm, test[:200])["perplexity"]) < 1e-6 * check
    payload["ours"] = {"valid": valid_scores, "test": test_scores, "fit_s": fit_s,
                       "train_tokens": len(stream(train)) - 1,
                       "sample": lm.generate("the company said", max_new_tokens=20,
                                             temperature=0.8, random_state=0)}
    rows = [
        {"model": f"LSTMLanguageModel ({lm.n_iter_} epoch(s) run, best kept, "
                  f"{fit_s / 60:.1f} min)" if stopping else
                  f"LSTMLanguageModel ({args.epochs} epoch(s), {fit_s / 60:.1f} min)",
         "valid_ppl": valid_scores["perplexity"], "test_ppl": test_scores["perplexity"],
         "test_top1": test_scores["top1"], "test_top3": test_scores["top3"]},
        *({"model": "Kneser-Ney trigram (measured here)",
           "valid_ppl": kn_scores["valid_perplexity"], "test_ppl": kn_scores["test_perplexity"]}
          for kn_scores in [payload.get("kneser_ney_trigram")] if kn_scores),
        *({"model": f"{name}, published", "test_ppl": value} for name, value in ANCHORS.items()),
    ]
    payload["rows"] = rows
    print(f"\nPTB ({len(train)} train lines), config {config}\n")
    print(markdown_table(rows, ["model", "valid_ppl", "test_ppl", "test_top1", "test_top3"]))
    print("\nsample:", payload["ours"]["sample"])
    path = save_json("language_model", payload)
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
