"""Benchmark: the translators on Multi30k English -> German (test2016).

For each architecture at its defaults (BPE vocabularies of 8,000 per side,
``epochs="auto"``), within a training-time budget:

* training seconds, epochs, best validation loss (nats per target token);
* test2016 BLEU and chrF (sacrebleu defaults: 13a, cased, detokenized) with
  greedy decoding and with beam search (the default ``beam_size=4``), and the
  seconds each took;
* generation tokens per second, greedy, two ways in the same process:
  incremental (``predict``: the source encoded once, one decoder step per
  token) and a plain Keras loop that re-runs the whole network on the source
  and the prefix for every new token;

beside a copy-the-source baseline. The training budget (``--max-minutes``)
stops a fit through the Ctrl-C path of the training loop (a callback raises
``KeyboardInterrupt`` between batches once the time is spent, after at least
one epoch): the translator keeps its best epoch's weights, as a user's Ctrl-C
would leave it. Writes results/translation.json. Research data: never shipped.

    python benchmarks/bench_translation.py --models lstm --max-minutes 7
    python benchmarks/bench_translation.py --quick   # smoke run, 2,000 pairs
"""

import argparse
import gzip
import os
import platform
import sys
import time
from pathlib import Path

import keras
import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED, markdown_table, save_json

from sknn_text import GRUTranslator, LSTMTranslator, TransformerTranslator
from sknn_text._backend import predict_on_batch
from sknn_text._translation_text import END_ID, NEVER_GENERATED, START_ID
from sknn_text.metrics import bleu_score, chrf_score

MODELS = {"lstm": LSTMTranslator, "gru": GRUTranslator, "transformer": TransformerTranslator}


def read_lines(path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return handle.read().split("\n")[:-1]


def load(split):
    folder = SHARED / "multi30k"
    if not folder.exists():
        sys.exit(f"{folder} not found: this benchmark needs shared/datasets/multi30k.")
    suffix = ".gz" if split == "train" else ""
    en, de = (read_lines(folder / f"{split}.{lang}{suffix}") for lang in ("en", "de"))
    keep = [i for i in range(len(en)) if en[i].strip() and de[i].strip()]
    return [en[i] for i in keep], [de[i] for i in keep]


class TimeBudget(keras.callbacks.Callback):
    """Raise KeyboardInterrupt between batches once ``seconds`` have passed
    (after the first completed epoch, so that the fit keeps weights)."""

    def __init__(self, seconds):
        super().__init__()
        self.seconds, self.start, self.epochs = seconds, time.perf_counter(), 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1

    def on_train_batch_end(self, batch, logs=None):
        if self.epochs and time.perf_counter() - self.start > self.seconds:
            raise KeyboardInterrupt


def rerun_greedy(translator, sources):
    """Greedy translation ids by re-running the whole network on the source and
    the prefix for every new token (no cache): the plain Keras loop."""
    source_codec = translator._text_codecs()[0]
    outputs = []
    for ids in source_codec.encode(sources):
        prefix, limit = [START_ID], 2 * len(ids) + 10
        while len(prefix) <= limit:
            width = max(len(ids), len(prefix))
            pairs = np.zeros((1, width, 2), dtype=np.int32)
            pairs[0, : len(ids), 0], pairs[0, : len(prefix), 1] = ids, prefix
            probabilities = np.asarray(predict_on_batch(translator.model_, pairs))
            row = probabilities[0, len(prefix) - 1].astype(np.float64)
            row[list(NEVER_GENERATED)] = -1.0
            token = int(np.argmax(row))
            if token == END_ID:
                break
            prefix.append(token)
        outputs.append(prefix[1:])
    return outputs


def generation_speed(translator, sources):
    """Tokens per second of greedy decoding, incremental and re-run, one
    sentence at a time (after one warm-up sentence each)."""
    source_codec = translator._text_codecs()[0]
    translator._translate_ids(source_codec.encode(sources[:1]), 1)
    rerun_greedy(translator, sources[:1])
    start = time.perf_counter()
    incremental = [translator._translate_ids([ids], 1)[0] for ids in source_codec.encode(sources)]
    incremental_s = time.perf_counter() - start
    start = time.perf_counter()
    rerun = rerun_greedy(translator, sources)
    rerun_s = time.perf_counter() - start
    n_inc, n_rerun = sum(map(len, incremental)), sum(map(len, rerun))
    return {
        "incremental_tokens_per_s": n_inc / incremental_s,
        "rerun_tokens_per_s": n_rerun / rerun_s,
        "same_outputs": incremental == rerun,
    }


def run(name, train, test, *, minutes, speed_sentences):
    translator = MODELS[name](random_state=0, verbose=1, callbacks=[TimeBudget(60 * minutes)])
    start = time.perf_counter()
    stopped = "patience"
    try:
        translator.fit(*train)
    except KeyboardInterrupt:
        stopped = "time budget"
    fit_s = time.perf_counter() - start
    row = {
        "model": name,
        "fit_s": fit_s,
        "epochs": translator.n_iter_,
        "stopped_by": stopped,
        "best_val_loss": min(translator.history_.get("val_loss", [float("nan")])),
        "source_tokens": len(translator.source_vocabulary_),
        "target_tokens": len(translator.target_vocabulary_),
    }
    sources, references = test
    for label, beam in (("greedy", 1), ("beam4", 4)):
        start = time.perf_counter()
        outputs = list(translator.predict(sources, beam_size=beam))
        row[f"{label}_s"] = time.perf_counter() - start
        row[f"{label}_bleu"] = bleu_score(references, outputs)
        row[f"{label}_chrf"] = chrf_score(references, outputs)
    row.update(generation_speed(translator, sources[:speed_sentences]))
    print(row, file=sys.stderr, flush=True)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default="lstm,gru,transformer")
    parser.add_argument("--max-minutes", type=float, default=7.0, help="training budget per model")
    parser.add_argument("--train-size", type=int, default=None, help="first N training pairs")
    parser.add_argument("--speed-sentences", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="2,000 pairs, 1 minute, 200 tests")
    args = parser.parse_args()
    train, test = load("train"), load("test2016")
    size = 2000 if args.quick else args.train_size
    if size:
        train = (train[0][:size], train[1][:size])
    if args.quick:
        test, args.max_minutes = (test[0][:200], test[1][:200]), 1.0
    rows = [{
        "model": "copy the source",
        "greedy_bleu": bleu_score(test[1], test[0]),
        "greedy_chrf": chrf_score(test[1], test[0]),
    }]  # fmt: skip
    for name in args.models.split(","):
        rows.append(
            run(name, train, test, minutes=args.max_minutes, speed_sentences=args.speed_sentences)
        )
    columns = [
        "model", "fit_s", "epochs", "stopped_by", "best_val_loss", "greedy_bleu", "greedy_chrf",
        "greedy_s", "beam4_bleu", "beam4_chrf", "beam4_s", "incremental_tokens_per_s",
        "rerun_tokens_per_s", "same_outputs",
    ]  # fmt: skip
    print(markdown_table(rows, columns))
    path = save_json(
        f"translation_{args.models.replace(',', '_')}",
        {
            "quick": args.quick,
            "train_pairs": len(train[0]),
            "test_pairs": len(test[0]),
            "max_minutes": args.max_minutes,
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "rows": rows,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
