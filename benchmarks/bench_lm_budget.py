"""Benchmark: the default training budget of a character language model (issue 29).

``LSTMLanguageModel(level="char")`` at its defaults on about 1 MB of English
text (the first IMDB training reviews, HTML line breaks removed; labels unused)
with ``max_epochs=30`` and without the language models' relative threshold
(the budget of the other families: a gain counts from ``tol``), so that it runs
as far as the plain patience rule lets it: the reference. Every epoch's validation
loss (nats per character) and the seconds since ``fit`` began are recorded.

Then the stopping rule of ``epochs="auto"`` is replayed on that curve for
several relative thresholds (an epoch counts as an improvement only when it
lowers the best validation loss by more than ``relative_tol`` times that
loss; training stops after ``patience`` epochs without one, never before
the minimum): for each, the epoch it stops at, the seconds spent, and the
best validation loss by then (the weights restored) against the reference's
best. The rule is a function of the curve alone, so one run serves every
threshold. Writes results/lm_budget.json.

    python benchmarks/bench_lm_budget.py [--characters 1000000] [--max-epochs 30]
    python benchmarks/bench_lm_budget.py --quick   # smoke run: 30,000 characters, 3 epochs
"""

import argparse
import html
import math
import os
import platform
import re
import sys
import time
from pathlib import Path

import keras

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import load_split, markdown_table, save_json

from sknn_text import LSTMLanguageModel
from sknn_text._loop.schedule import BAG_OF_WORDS, plan_epochs


class PlainPatience(LSTMLanguageModel):
    """The language model under the budget of the other families (no relative
    threshold): the reference run."""

    _auto_budget = BAG_OF_WORDS

THRESHOLDS = [0.0, 0.0025, 0.005, 0.01, 0.02, 0.03]


def corpus(characters):
    """The first IMDB training reviews, as one text of about ``characters``."""
    texts, _, _, _ = load_split("imdb")
    kept, size = [], 0
    for text in texts:
        text = html.unescape(re.sub(r"<br\s*/?>", " ", text))
        kept.append(text)
        size += len(text) + 1
        if size >= characters:
            break
    return kept


class Clock(keras.callbacks.Callback):
    """Seconds since the fit began, at the end of every epoch."""

    def __init__(self):
        super().__init__()
        self.start, self.seconds = time.perf_counter(), []

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)


def replay(curve, seconds, schedule, relative_tol):
    """Where ``schedule``'s patience rule with ``relative_tol`` stops on ``curve``."""
    best, wait = math.inf, 0
    for epoch, value in enumerate(curve, start=1):
        wait += 1
        delta = max(schedule.tol, relative_tol * abs(best)) if best != math.inf else 0.0
        if value < best - delta:
            best, wait = value, 0
        elif wait >= schedule.patience and epoch >= schedule.min_epochs:
            break
    return {"epochs": epoch, "seconds": seconds[epoch - 1], "best_val_loss": min(curve[:epoch])}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--characters", type=int, default=1_000_000)
    parser.add_argument("--max-epochs", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="30,000 characters, 3 epochs")
    args = parser.parse_args()
    if args.quick:
        args.characters, args.max_epochs = 30_000, 3
    texts = corpus(args.characters)
    clock = Clock()
    model = PlainPatience(
        level="char", max_epochs=args.max_epochs, random_state=0, verbose=1, callbacks=[clock]
    )
    model.fit(texts)
    curve = [float(v) for v in model.history_["val_loss"]]
    windows = sum(len(t) + 1 for t in texts) // model.sequence_length_
    schedule = plan_epochs(
        "auto",
        early_stopping=False,
        n_samples=windows,
        batch_size=model.batch_size,
        validation_fraction=model.validation_fraction,
        n_iter_no_change=model.n_iter_no_change,
        tol=model.tol,
        max_epochs=args.max_epochs,
    )
    reference = min(curve)
    rows = []
    for relative_tol in THRESHOLDS:
        stop = replay(curve, clock.seconds, schedule, relative_tol)
        rows.append({
            "relative_tol": relative_tol,
            **stop,
            "minutes": stop["seconds"] / 60,
            "ratio_to_reference": stop["best_val_loss"] / reference,
        })  # fmt: skip
    print(markdown_table(rows, ["relative_tol", "epochs", "minutes", "best_val_loss",
                                "ratio_to_reference"]))  # fmt: skip
    path = save_json(
        "lm_budget",
        {
            "quick": args.quick,
            "characters": sum(len(t) + 1 for t in texts),
            "documents": len(texts),
            "vocabulary": len(model.vocabulary_),
            "max_epochs": args.max_epochs,
            "patience_epochs": schedule.patience,
            "min_epochs": schedule.min_epochs,
            "curve": curve,
            "seconds": clock.seconds,
            "rows": rows,
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
