"""Benchmark: our taggers against a CRF (sklearn-crfsuite) on CoNLL-2000 chunking.

Both train on shared/datasets/conll2000/train.txt.gz and are scored on test.txt
with chunk F1 (``sknn_text.metrics.chunk_f1_score``, conlleval's rules). The
CRF is the one ``sknn-text compare --task tagging`` fits
(``sknn_text.compare._tagging``: the usual feature template of word, lower
case, suffixes, shape, POS and a +-1 window of words and POS, L-BFGS with
elastic-net regularization). Our tagger reads each token as ``(word, POS)``: the word, its
shape and affixes, the POS column. Prints chunk F1, training time (and per
epoch/iteration), prediction tokens/second. Writes results/tagging.json.

    python benchmarks/bench_tagging.py [--quick] [--epochs auto] [--models bilstm_crf,...]
        [--seeds 0,1] [--no-crf]
"""

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED, markdown_table, save_json, timed

CRF_ITERATIONS = 100


def load(quick):
    from sknn_text.datasets import load_conll

    folder = SHARED / "conll2000"
    if not folder.exists():
        sys.exit(f"{folder} not found: this benchmark needs shared/datasets/conll2000.")
    X_train, y_train = load_conll(folder / "train.txt.gz", feature_columns=[1])
    X_test, y_test = load_conll(folder / "test.txt", feature_columns=[1])
    if quick:
        return X_train[:200], y_train[:200], X_test[:100], y_test[:100]
    return X_train, y_train, X_test, y_test


def run_crf(X_train, y_train, X_test, y_test, iterations):
    from sknn_text.compare._tagging import crf_token_features, make_crf_baseline
    from sknn_text.metrics import chunk_f1_score

    def featurize(X):
        return [[crf_token_features(s, i) for i in range(len(s))] for s in X]

    F_train, features_s = timed(featurize, X_train)
    crf = make_crf_baseline(iterations)
    _, fit_s = timed(crf.fit, F_train, y_train)
    pred, predict_s = timed(lambda: crf.predict(featurize(X_test)))
    n_tokens = sum(len(s) for s in X_test)
    return {
        "model": "CRF (sklearn-crfsuite, lbfgs)",
        "chunk_f1": chunk_f1_score(y_test, pred),
        "fit_s": fit_s + features_s,
        "epochs": iterations,
        "s_per_epoch": fit_s / iterations,
        "predict_tokens_per_s": n_tokens / predict_s,
    }


OURS = {
    "bilstm_crf": ("LSTMTextTagger", {"crf": True}),
    "bilstm_softmax": ("LSTMTextTagger", {"crf": False}),
    "cnn_crf": ("CNNTextTagger", {"crf": True}),
    "gru_crf": ("GRUTextTagger", {"crf": True}),
    "transformer_crf": ("TransformerTextTagger", {"crf": True}),
    "bilstm_chars_crf": ("LSTMTextTagger", {"crf": True, "char_filters": 32}),
}


def run_ours(name, X_train, y_train, X_test, y_test, epochs, random_state=0):
    import sknn_text
    from sknn_text.metrics import chunk_f1_score

    cls_name, params = OURS[name]
    tagger = getattr(sknn_text, cls_name)(
        **params, epochs=epochs, batch_size=32, random_state=random_state
    )
    _, fit_s = timed(tagger.fit, X_train, y_train)
    pred, predict_s = timed(tagger.predict, X_test)
    n_tokens = sum(len(s) for s in X_test)
    return {
        "model": f"{cls_name}({', '.join(f'{k}={v}' for k, v in params.items())})",
        "random_state": random_state,
        "chunk_f1": chunk_f1_score(y_test, pred),
        "fit_s": fit_s,
        "epochs": tagger.n_iter_,
        "s_per_epoch": fit_s / tagger.n_iter_,
        "predict_tokens_per_s": n_tokens / predict_s,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 training sentences")
    parser.add_argument(
        "--epochs", default="auto", help='epochs of our taggers: an int or "auto" (default)'
    )
    parser.add_argument("--models", default="bilstm_crf", help=f"of {sorted(OURS)}")
    parser.add_argument("--seeds", default="0", help="random_state of our taggers, e.g. 0,1")
    parser.add_argument("--no-crf", action="store_true", help="skip the CRF")
    parser.add_argument("--repeats", type=int, default=1, help="(unused: one run)")
    args = parser.parse_args()
    X_train, y_train, X_test, y_test = load(args.quick)
    epochs = args.epochs if args.epochs == "auto" else int(args.epochs)
    epochs = 2 if args.quick else epochs
    rows = []
    if not args.no_crf:
        rows.append(
            run_crf(X_train, y_train, X_test, y_test, 5 if args.quick else CRF_ITERATIONS)
        )
    for name in args.models.split(","):
        for seed in args.seeds.split(","):
            rows.append(run_ours(name, X_train, y_train, X_test, y_test, epochs, int(seed)))
    print(f"\nCoNLL-2000 chunking: {len(X_train)} training and {len(X_test)} test "
          "sentences, chunk F1 on test\n")
    print(markdown_table(
        rows, ["model", "chunk_f1", "epochs", "fit_s", "s_per_epoch", "predict_tokens_per_s"]
    ))
    path = save_json("tagging", {
        "quick": args.quick,
        "n_train_sentences": len(X_train),
        "n_test_sentences": len(X_test),
        "rows": rows,
    })
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
