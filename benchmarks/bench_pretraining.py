"""Benchmark: pretraining a language model on unlabelled reviews, then fine-tuning.

ULMFiT's recipe (Howard & Ruder 2018) with the package's own estimators:

1. ``LSTMLanguageModel`` is fitted on the texts of ``shared/datasets/imdb``
   (the labels are not read: unlabelled text), ``--pretrain-docs`` reviews
   read once, in chunks, until ``--max-minutes`` have passed;
2. on ``rt_polarity`` (``--folds``-fold stratified CV), three models side by
   side, on the same folds:

   * ``pretrained``: ``make_pipeline(lm.tokenizer(), LSTMTextClassifier(
     pretrained=lm, gradual_unfreezing=1))``;
   * ``scratch``: the same pipeline and network (same vocabulary, sizes,
     dropout, budget), without ``pretrained``;
   * ``tfidf_lr``: the datasets' fixed baseline, TF-IDF (1-2 grams, min_df=2,
     sublinear) + ``LogisticRegression(C=10)`` (0.777 in its SOURCE.md).

Both corpora go through the same normalization (lower case, ``<br />`` removed,
words and punctuation split apart), since a language model's tokens are the
words as written. The configuration is fixed below, before any run, with
defaults meant to carry over to other English sentiment sets (nothing is tuned
on rt_polarity). Writes results/pretraining.json.

    python benchmarks/bench_pretraining.py [--pretrain-docs 25000] [--max-minutes 8]
        [--folds 5] [--quick]
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import load_all, markdown_table, save_json

#: The language model (fixed before any run): a 10k vocabulary and one LSTM
#: layer narrow enough to see several passes of text on 2 CPU cores.
LM_CONFIG = {
    "units": 128,
    "embedding_dim": 128,
    "max_tokens": 10000,
    "dropout": 0.2,
    "tie_weights": True,
    "batch_size": 64,
    "learning_rate": 0.003,
    "sequence_length": 35,
}
#: The classifier, pretrained or not (its sizes are the language model's).
CLASSIFIER_CONFIG = {
    "units": 128,
    "embedding_dim": 128,
    "dropout": 0.2,
    "pooling": "mean",
    "epochs": "auto",
    "max_epochs": 10,
}
_TOKEN = re.compile(r"\w+(?:'\w+)?|[^\w\s]")


def normalize(text):
    """Lower case, HTML line breaks out, words and punctuation apart."""
    return " ".join(_TOKEN.findall(text.replace("<br />", " ").lower()))


#: Documents per warm-started pass of the language model: the deadline of
#: ``--max-minutes`` is checked between chunks (the epoch loop only stops
#: between epochs).
CHUNK = 500


def pretrain(n_docs, max_minutes, seed):
    """The language model, fitted on chunks of IMDB reviews until the deadline.

    The first chunk sets the vocabulary; each further one is a ``warm_start``
    fit of one epoch (a fresh optimizer state, the weights kept).
    """
    from sknn_text import LSTMLanguageModel

    texts, _ = load_all("imdb")  # labels unused
    order = np.random.RandomState(seed).permutation(len(texts))
    corpus = [normalize(texts[i]) for i in order[:n_docs]]
    lm = LSTMLanguageModel(**LM_CONFIG, epochs=1, random_state=seed)
    start, read, n_tokens = time.perf_counter(), 0, 0
    while read < len(corpus) and time.perf_counter() - start < 60 * max_minutes:
        chunk = corpus[read : read + CHUNK]
        lm.set_params(warm_start=read > 0).fit(chunk)
        read += len(chunk)
        n_tokens += sum(len(text.split()) + 1 for text in chunk)
        print(f"  language model: {read} docs, {time.perf_counter() - start:.0f} s", flush=True)
    seconds = time.perf_counter() - start
    held_out = [normalize(texts[i]) for i in order[n_docs:][:200]]  # not read
    return lm, {
        "docs_read": read,
        "tokens_read": n_tokens,
        "seconds": round(seconds, 1),
        "tokens_per_second": round(n_tokens / seconds),
        "perplexity_held_out": round(lm.perplexity(held_out), 1) if held_out else None,
    }


def models(lm, seed):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from sknn_text import LSTMTextClassifier

    def network(**pretraining):
        return make_pipeline(
            lm.tokenizer(),
            LSTMTextClassifier(**CLASSIFIER_CONFIG, random_state=seed, **pretraining),
        )

    return {
        "pretrained": network(pretrained=lm, gradual_unfreezing=1),
        "scratch": network(),
        "tfidf_lr": make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
            LogisticRegression(C=10, max_iter=2000),
        ),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pretrain-docs", type=int, default=25000)
    parser.add_argument("--max-minutes", type=float, default=8.0,
                        help="most minutes of language-model training")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--rows", type=int, default=None,
                        help="use a stratified sample of rt_polarity")
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.pretrain_docs, args.max_minutes, args.folds, args.rows = 300, 0.1, 2, 600
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold

    seed = 0
    lm, pretraining = pretrain(args.pretrain_docs, args.max_minutes, seed)
    print("pretraining:", pretraining, flush=True)
    texts, labels = load_all("rt_polarity")
    texts = np.array([normalize(text) for text in texts], dtype=object)
    if args.rows:
        keep = np.random.RandomState(seed).permutation(len(texts))[: args.rows]
        texts, labels = texts[keep], labels[keep]
    folds = StratifiedKFold(args.folds, shuffle=True, random_state=0)
    scores = {name: [] for name in models(lm, seed)}
    seconds = {name: 0.0 for name in scores}
    for fold, (train, test) in enumerate(folds.split(texts, labels)):
        for name, model in models(lm, seed).items():
            start = time.perf_counter()
            fitted = clone(model).fit(texts[train], labels[train])
            scores[name].append(float(fitted.score(texts[test], labels[test])))
            seconds[name] += time.perf_counter() - start
            print(f"fold {fold} {name}: {scores[name][-1]:.4f}", flush=True)
    rows = [
        {
            "model": name,
            "accuracy": f"{np.mean(values):.4f} ± {np.std(values):.4f}",
            "fit+score s / fold": f"{seconds[name] / len(values):.0f}",
        }
        for name, values in scores.items()
    ]
    print(markdown_table(rows, ["model", "accuracy", "fit+score s / fold"]))
    gain = {
        "pretrained - scratch": float(np.mean(scores["pretrained"]) - np.mean(scores["scratch"])),
        "pretrained - tfidf_lr": float(np.mean(scores["pretrained"]) - np.mean(scores["tfidf_lr"])),
    }
    print(gain)
    save_json("pretraining", {
        "args": vars(args), "lm_config": LM_CONFIG, "classifier_config": CLASSIFIER_CONFIG,
        "pretraining": pretraining, "scores": scores, "seconds": seconds, "gain": gain,
    })


if __name__ == "__main__":
    main()
