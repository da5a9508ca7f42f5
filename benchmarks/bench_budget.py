"""Benchmark 7: the adaptive training budget (``epochs="auto"``) against TF-IDF + LR.

Every model of ``sknn_text.compare.default_models`` (the registry's families with their
defaults, the budget adapted to the data) is trained and scored next to the TF-IDF + linear
baseline:

* ``datasets``: on six shared classification sets (rt_polarity, sms_spam,
  subjectivity_v1, trec_qc, bbc_news, 20newsgroups_bydate), the source's train -> test
  split where it has one, else a stratified 80/20 split (seed 0). Reports each family's
  test accuracy and fit seconds, and whether the best neural family reaches LR's;
* ``small``: 200-row samples (the kind of CSV a user tries first) of rt_polarity and
  sms_spam (classification) and pang_lee_scale_v1 (regression), 5-fold CV with
  ``compare_models``; reports each family's score minus LR's (or Ridge's);
* ``compare``: the wall time of ``sknn-text compare`` with its defaults.

    python benchmarks/bench_budget.py                    # everything: about an hour on 2 cores
    python benchmarks/bench_budget.py --parts small,compare
    python benchmarks/bench_budget.py --parts datasets,small --families lstm,gru
    python benchmarks/bench_budget.py --quick            # a smoke run of a few minutes
"""

import argparse
import csv
import gzip
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED, markdown_table, save_json

DATASETS = [
    "rt_polarity",
    "sms_spam",
    "subjectivity_v1",
    "trec_qc",
    "bbc_news",
    "20newsgroups_bydate",
]
SMALL = [("rt_polarity", "label"), ("sms_spam", "label"), ("pang_lee_scale_v1", "target")]
PARTS = ("datasets", "small", "compare")


def read(name, target="label"):
    """(split, text, target) columns of a shared dataset."""
    path = SHARED / name / "data.csv.gz"
    if not path.exists():
        sys.exit(f"{path} not found: this benchmark needs shared/datasets/{name}.")
    csv.field_size_limit(sys.maxsize)  # some 20newsgroups posts pass the default limit
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return (
        np.array([row["split"] for row in rows]),
        [row["text"] for row in rows],
        np.array([row[target] for row in rows]),
    )


def train_test(name, limit=None):
    from sklearn.model_selection import train_test_split

    split, texts, labels = read(name)
    if {"train", "test"} <= set(split):
        train, test = np.flatnonzero(split == "train"), np.flatnonzero(split == "test")
    else:
        rows = np.arange(len(texts))
        train, test = train_test_split(rows, test_size=0.2, stratify=labels, random_state=0)
    if limit:
        rng = np.random.RandomState(0)
        train, test = rng.permutation(train)[:limit], rng.permutation(test)[: limit // 4]
    pick = lambda rows: ([texts[i] for i in rows], labels[rows])  # noqa: E731
    return (*pick(train), *pick(test))


def run_datasets(quick, names=DATASETS, families=None):
    from sknn_text.compare import default_models

    rows = []
    for name in names:
        X_train, y_train, X_test, y_test = train_test(name, limit=600 if quick else None)
        row = {"dataset": name, "n_train": len(X_train), "n_test": len(X_test)}
        for model_name, model in default_models(random_state=0).items():
            if families and model_name not in families:
                continue
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(X_train, y_train)
            row[f"{model_name}_s"] = time.perf_counter() - start
            row[model_name] = float(np.mean(model.predict(X_test) == y_test))
            epochs = getattr(model[-1], "n_iter_", None)  # LR: an array of solver iterations
            row[f"{model_name}_epochs"] = None if epochs is None else int(np.max(epochs))
            print(
                f"{name} {model_name}: {row[model_name]:.4f} ({row[f'{model_name}_s']:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
        neural = [key for key in default_models() if key != "lr" and key in row]
        if neural:
            row["best_neural"] = max(neural, key=lambda key: row[key])
        if neural and "lr" in row:
            row["best_minus_lr"] = row[row["best_neural"]] - row["lr"]
        rows.append(row)
    return rows


def run_small(quick, n_rows=200, seed=0, families=None):
    from sklearn.model_selection import train_test_split

    from sknn_text.compare import compare_models, default_models

    rows = []
    for name, target in SMALL:
        _, texts, values = read(name, target)
        task = "regression" if target == "target" else "classification"
        y = values.astype(float) if task == "regression" else values
        keep, _ = train_test_split(
            np.arange(len(texts)),
            train_size=n_rows,
            random_state=seed,
            stratify=y if task == "classification" else None,
        )
        X = [texts[i] for i in keep]
        models = default_models(task, random_state=0)
        if quick:
            models = {key: models[key] for key in ("lr", "mlp", "fasttext")}
        if families:  # the baseline always runs: every row is measured against it
            models = {key: model for key, model in models.items() if key in {"lr", *families}}
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = compare_models(models, X, y[keep], task=task, cv=5)
        metric = result.primary_metric
        reference = result.table[0][f"{metric}_mean"]
        row = {"dataset": f"{name} ({n_rows} rows)", "metric": metric, "lr": reference}
        for line in result.table:
            row[f"{line['model']}_fit_s"] = line["fit_time"]
        for line in result.table[1:]:
            row[line["model"]] = line[f"{metric}_mean"]
            row[f"{line['model']}_minus_lr"] = line[f"{metric}_mean"] - reference
        row["seconds"] = time.perf_counter() - start
        row["worst_minus_lr"] = min(row[f"{key}_minus_lr"] for key in models if key != "lr")
        print(
            f"{row['dataset']}: worst family - LR = {row['worst_minus_lr']:+.4f}",
            file=sys.stderr,
            flush=True,
        )
        rows.append(row)
    return rows


def run_compare(quick):
    command = [sys.executable, "-m", "sknn_text", "compare", "--quiet"]
    if quick:
        command += ["--max-samples", "300", "--cv", "2"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    print(done.stdout, file=sys.stderr)
    return {"seconds": seconds, "status": done.returncode, "table": done.stdout}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument(
        "--datasets", default=",".join(DATASETS), help="the data sets of the datasets part"
    )
    parser.add_argument(
        "--families",
        default="",
        help="only these models (and the baseline lr in the small part); default: all",
    )
    parser.add_argument("--rows", type=int, default=200, help="rows of each small sample")
    parser.add_argument("--seed", type=int, default=0, help="seed of the small samples")
    parser.add_argument("--repeats", type=int, default=1, help="ignored (one run)")
    args = parser.parse_args()
    parts = [part for part in args.parts.split(",") if part]
    families = [name for name in args.families.split(",") if name]
    from sknn_text.compare import default_models

    unknown = sorted(set(families) - set(default_models()))
    if unknown:
        parser.error(f"unknown families {unknown}; choose from {', '.join(default_models())}")
    payload = {"quick": args.quick, "load_before": os.getloadavg()[0]}
    if "datasets" in parts:
        rows = run_datasets(
            args.quick, [name for name in args.datasets.split(",") if name], families
        )
        payload["datasets"] = rows
        columns = [
            "dataset",
            "n_train",
            "lr",
            "mlp",
            "lstm",
            "gru",
            "cnn",
            "transformer",
            "fasttext",
            "best_neural",
            "best_minus_lr",
        ]
        print("Test accuracy per family (default_models, epochs='auto'):\n")
        print(markdown_table(rows, columns))
        times = [
            {"dataset": r["dataset"], **{k: r[k] for k in r if k.endswith("_s")}} for r in rows
        ]
        print("\nFit seconds:\n")
        print(markdown_table(times, ["dataset", *[k for k in times[0] if k.endswith("_s")]]))
        print("\nEpochs run:\n")
        epochs = [
            {"dataset": r["dataset"], **{k: r[k] for k in r if k.endswith("_epochs")}} for r in rows
        ]
        print(markdown_table(epochs, ["dataset", *[k for k in epochs[0] if k != "dataset"]]))
        if all("best_minus_lr" in row for row in rows):
            wins = sum(row["best_minus_lr"] >= 0 for row in rows)
            print(f"\nbest neural family >= LR on {wins} of {len(rows)} data sets")
    if "small" in parts:
        rows = run_small(args.quick, args.rows, args.seed, families)
        payload["small"] = rows
        keys = ["dataset", "metric", "lr", *[k for k in rows[0] if k.endswith("_minus_lr")]]
        print("\n200-row samples, 5-fold CV, family minus baseline:\n")
        print(markdown_table(rows, [*keys, "seconds"]))
        fits = ["dataset", *[k for k in rows[0] if k.endswith("_fit_s")]]
        print("\nMean fit seconds per fold (160 training rows):\n")
        print(markdown_table(rows, fits))
    if "compare" in parts:
        payload["compare"] = run_compare(args.quick)
        print(
            f"\nsknn-text compare (defaults): {payload['compare']['seconds']:.0f} s, "
            f"exit {payload['compare']['status']}"
        )
    payload["load_after"] = os.getloadavg()[0]
    name = "budget" if set(parts) == set(PARTS) else "budget-" + "-".join(parts)
    print(f"\nwrote {save_json(name, payload)}")


if __name__ == "__main__":
    main()
