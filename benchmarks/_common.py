"""Helpers shared by the benchmark scripts: data, isolated workers, tables."""

import csv
import gzip
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(
    os.environ.get("SKNN_TEXT_SHARED_DATASETS", ROOT.parent / "shared" / "datasets")
)
RESULTS = Path(__file__).resolve().parent / "results"


def load_split(name, *, limit=None):
    """(train_texts, train_labels, test_texts, test_labels) of a shared dataset."""
    path = SHARED / name / "data.csv.gz"
    if not path.exists():
        sys.exit(f"{path} not found: this benchmark needs shared/datasets/{name}.")
    train, test = ([], []), ([], [])
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            part = train if row["split"] == "train" else test
            part[0].append(row["text"])
            part[1].append(row["label"])
    if limit:
        rng = np.random.RandomState(0)
        keep_train = rng.permutation(len(train[0]))[:limit]
        keep_test = rng.permutation(len(test[0]))[:limit]
        train = ([train[0][i] for i in keep_train], [train[1][i] for i in keep_train])
        test = ([test[0][i] for i in keep_test], [test[1][i] for i in keep_test])
    return train[0], np.array(train[1]), test[0], np.array(test[1])


def load_all(name):
    """(texts, labels) of every row of a shared dataset, whatever its split."""
    path = SHARED / name / "data.csv.gz"
    if not path.exists():
        sys.exit(f"{path} not found: this benchmark needs shared/datasets/{name}.")
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row["text"] for row in rows], np.array([row["label"] for row in rows])


def peak_rss_mb():
    """Peak resident set size of this process so far, in MB (Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_worker_lines(script, *args):
    """Run ``script --worker args...`` in a fresh process and return the JSON lines it
    printed, or one ``{"error": ...}`` line when it failed."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        [sys.executable, str(script), "--worker", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return [{"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}]
    return [json.loads(line) for line in lines]


def run_worker(script, *args):
    """Run ``script --worker args...`` in a fresh process; its last JSON line."""
    return run_worker_lines(script, *args)[-1]


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def markdown_table(rows, columns):
    def cell(value):
        if isinstance(value, float):
            return f"{value:.4g}"
        return str(value)

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row.get(c, "")) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def save_json(name, payload):
    """Write ``payload`` to results/<name>.json, or results/<name>.quick.json for a
    smoke run (``payload["quick"]``), which never replaces a real run's numbers."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}{'.quick' if payload.get('quick') else ''}.json"
    path.write_text(json.dumps(payload, indent=2, default=float))
    return path
