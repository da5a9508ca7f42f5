"""Compare the translators with copying the source (``sknn-text compare --task translation``).

Every translator of the registry's families (``task="translator"``) is fitted
on the same training pairs and scored on the same held-out pairs, with corpus
BLEU and chrF (sacrebleu's defaults, :mod:`sknn_text.metrics`), beside the
copy-the-source baseline: the "translation" that returns each source sentence
unchanged. Copying scores above zero wherever the two languages share names,
numbers and punctuation; a translator that does not beat it has learned
nothing worth its training time.

The pairs come from a parallel CSV (a source and a target column, and an
optional ``split`` column) or from two line-aligned text files; the held-out
pairs are the file's ``split == "test"`` rows, else a random fraction.
"""

from __future__ import annotations

import io
import time

import numpy as np
from sklearn.model_selection import train_test_split

from .._registry import families, resolve
from ..datasets._csv import (
    _checked_path,
    _column_index,
    _open_text,
    _read_errors,
    _read_rows,
    _sample,
)
from ..metrics import bleu_score, chrf_score

BASELINE = "copy"
#: The held-out fraction of the pairs of a file without a ``split`` column.
DEFAULT_TEST_SIZE = 0.1
#: The ``split`` values read as training and as held-out pairs (any case);
#: other values ("val", "dev") are left out: a translator holds out its own
#: validation pairs from the training ones.
TRAIN_SPLIT, TEST_SPLIT = "train", "test"


def translator_names():
    """Families with a translator, by short name."""
    return [family.name for family in families() if "translator" in family.estimators]


# ------------------------------------------------------------------ reading
def _kept_pairs(sources, targets, splits=None):
    """The pairs with text on both sides, and how many were dropped."""
    pairs = enumerate(zip(sources, targets, strict=True))
    keep = [i for i, (source, target) in pairs if source.strip() and target.strip()]
    dropped = len(sources) - len(keep)
    kept = ([sources[i] for i in keep], [targets[i] for i in keep])
    return (*kept, None if splits is None else [splits[i] for i in keep], dropped)


def read_parallel_csv(
    path, *, source_column="source", target_column="target", split_column="split"
):
    """Sentence pairs from a CSV or TSV file with a header row (may be ``.gz``).

    Returns
    -------
    sources, targets : list of str
    splits : list of str or None
        The lower-cased ``split_column`` of each pair; None when the file has
        no such column.
    dropped : int
        Pairs left out because one side is empty.
    """
    path, name = _checked_path(path, "auto")
    encoding = "utf-8-sig"
    with _read_errors(name, encoding), _open_text(path, encoding) as stream:
        sample, delimiter = _sample(stream, path, None, name)
        header, rows = _read_rows(io.StringIO(sample + stream.read()), delimiter, name)
    if not rows:
        raise ValueError(f"{name} has a header row but no data rows.")
    columns = [
        _column_index(header, source_column, "Source", name),
        _column_index(header, target_column, "Target", name),
    ]
    if split_column in header:
        columns.append(header.index(split_column))
    for number, (line, row) in enumerate(rows, start=1):
        if len(row) != len(header):
            raise ValueError(
                f"Row {number} of {name} (line {line}) has {len(row)} field(s) but the "
                f"header has {len(header)}; check the delimiter ({delimiter!r}) and the quoting."
            )
    cells = [[row[c] for _, row in rows] for c in columns]
    splits = [value.strip().lower() for value in cells[2]] if len(cells) == 3 else None
    return _kept_pairs(cells[0], cells[1], splits)


def _read_lines(path):
    path, name = _checked_path(path, "auto")
    with _read_errors(name, "utf-8"), _open_text(path, "utf-8") as stream:
        text = stream.read()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    return [line.removesuffix("\r") for line in lines], name


def read_parallel_files(source_path, target_path):
    """Sentence pairs from two line-aligned UTF-8 text files (may be ``.gz``):
    line ``i`` of ``target_path`` translates line ``i`` of ``source_path``.

    Returns
    -------
    sources, targets : list of str
    splits : None
    dropped : int
        Pairs left out because one side is an empty line.
    """
    (sources, source_name), (targets, target_name) = map(_read_lines, (source_path, target_path))
    if len(sources) != len(targets):
        raise ValueError(
            f"{source_name} has {len(sources)} lines but {target_name} has {len(targets)}; "
            "the files must be line-aligned (line i of one translates line i of the other)."
        )
    return _kept_pairs(sources, targets)


def held_out_split(sources, targets, splits=None, *, test_size=DEFAULT_TEST_SIZE, random_state=0):
    """``(X_train, y_train, X_test, y_test, how)``: the ``"train"`` and ``"test"``
    rows of ``splits`` (others left out), or a random ``test_size`` of the pairs."""
    if splits is not None:
        parts = {}
        for wanted in (TRAIN_SPLIT, TEST_SPLIT):
            rows = [i for i, value in enumerate(splits) if value == wanted]
            if not rows:
                found = ", ".join(sorted(set(splits)))
                raise ValueError(
                    f"the split column has no {wanted!r} rows (it holds: {found}); "
                    f"training pairs are marked {TRAIN_SPLIT!r}, held-out ones {TEST_SPLIT!r}."
                )
            parts[wanted] = rows
        train, test = parts[TRAIN_SPLIT], parts[TEST_SPLIT]
        how = "the file's test split"
    else:
        n_test = int(np.ceil(test_size * len(sources)))
        if n_test < 1 or len(sources) - n_test < 2:
            raise ValueError(
                f"{len(sources)} sentence pairs are too few to hold out {test_size:g} of them."
            )
        train, test = train_test_split(
            np.arange(len(sources)), test_size=n_test, random_state=random_state
        )
        train, test = sorted(train), sorted(test)
        how = f"a random {test_size:g} of the pairs"
    pick = lambda rows, texts: [texts[i] for i in rows]  # noqa: E731
    return (
        pick(train, sources), pick(train, targets), pick(test, sources), pick(test, targets), how,
    )


# ------------------------------------------------------------------ fitting
def make_translator(cls, *, epochs=None, max_epochs=None, random_state=0):
    """An unfitted translator of class ``cls`` at its defaults, as a comparison
    fits it: ``epochs`` trained exactly, or ``max_epochs`` capping the adaptive
    budget (its stopping rule kept); None keeps the class's own."""
    params = {"random_state": random_state}
    if epochs is not None:
        params["epochs"] = epochs
    elif max_epochs is not None:
        params["max_epochs"] = max_epochs
    return cls(**params)


def _models(models, *, epochs, max_epochs, random_state, baseline):
    """Name -> unfitted translator (None: the copy baseline), the baseline first."""
    if isinstance(models, dict):
        built = dict(models)
    else:
        modules = {family.name: family for family in families()}
        built = {}
        for name in translator_names() if models is None else models:
            family = modules.get(name)
            if name == BASELINE:
                built[name] = None
            elif family is None or "translator" not in family.estimators:
                raise ValueError(
                    f"No translator named {name!r}; translators are {translator_names()}."
                )
            else:
                built[name] = make_translator(
                    resolve(family.estimators["translator"]),
                    epochs=epochs, max_epochs=max_epochs, random_state=random_state,
                )
    if baseline or BASELINE in built:
        built = {BASELINE: None, **{k: v for k, v in built.items() if k != BASELINE}}
    if not built:
        raise ValueError("Nothing to compare: no translator and no baseline.")
    return built


def compare_translators(
    X, y, X_test, y_test, *, models=None, epochs=None, max_epochs=None, baseline=True,
    random_state=0, progress=None,
):
    """Fit each translator on ``(X, y)``; score BLEU and chrF on ``(X_test, y_test)``.

    Parameters
    ----------
    X, y : list of str
        Training sources and their translations.
    X_test, y_test : list of str
        Held-out sources and their reference translations.
    models : list of str or dict, default=None
        Family names (:func:`translator_names`, and ``"copy"``), or a dict of
        name to unfitted translator; None takes every translator.
    epochs, max_epochs : int or None, default=None
        See :func:`make_translator` (names only).
    baseline : bool, default=True
        Also score copying the source, first, under the name ``"copy"``.
    random_state : int, default=0
        Seed of the translators (names only).
    progress : callable or None
        Called as ``progress(done, total, name, row)``: before each fit with
        ``row=None`` (``done`` counts the models finished), and after it is
        scored with its row.

    Returns
    -------
    result : dict
        ``rows``: one per model, the baseline first, with ``model``, ``bleu``,
        ``chrf``, ``delta_bleu`` (against copying; None without it),
        ``fit_time`` (s), ``predict_time_per_1k`` (s per 1,000 sentences),
        ``n_parameters`` and ``n_epochs`` (None for copying); ``n_train``
        and ``n_test``.
    """
    built = _models(
        models, epochs=epochs, max_epochs=max_epochs, random_state=random_state,
        baseline=baseline,
    )
    rows = []
    for done, (name, translator) in enumerate(built.items()):
        if progress is not None:
            progress(done, len(built), name, None)
        fit_time, n_parameters, n_epochs = 0.0, None, None
        start = time.perf_counter()
        if translator is None:
            predictions = list(X_test)
        else:
            translator.fit(X, y)
            fit_time = time.perf_counter() - start
            n_parameters, n_epochs = int(translator.model_.count_params()), translator.n_iter_
            start = time.perf_counter()
            predictions = list(translator.predict(X_test))
        predict_time = time.perf_counter() - start
        row = {
            "model": name,
            "bleu": bleu_score(y_test, predictions),
            "chrf": chrf_score(y_test, predictions),
            "delta_bleu": None,
            "fit_time": fit_time,
            "predict_time_per_1k": 1000.0 * predict_time / len(X_test),
            "n_parameters": n_parameters,
            "n_epochs": n_epochs,
        }
        if BASELINE in built and name != BASELINE:
            row["delta_bleu"] = row["bleu"] - rows[0]["bleu"]
        rows.append(row)
        if progress is not None:
            progress(done + 1, len(built), name, row)
    return {"rows": rows, "n_train": len(X), "n_test": len(X_test)}


def translation_table(result, how="held-out pairs"):
    """The result as a Markdown table, with a legend saying what was measured."""
    header = ["model", "BLEU", "chrF", "Δ BLEU", "fit (s)", "predict (s/1k)", "epochs",
              "parameters"]  # fmt: skip

    def dash(value, text):
        return "-" if value is None else text

    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    for row in result["rows"]:
        cells = [
            row["model"], f"{row['bleu']:.2f}", f"{row['chrf']:.2f}",
            dash(row["delta_bleu"], f"{row['delta_bleu'] or 0:+.2f}"),
            f"{row['fit_time']:.1f}", f"{row['predict_time_per_1k']:.2f}",
            dash(row["n_epochs"], f"{row['n_epochs']}"),
            dash(row["n_parameters"], f"{row['n_parameters'] or 0:,}"),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    legend = (
        f"Trained on {result['n_train']:,} sentence pairs, scored on {result['n_test']:,} "
        f"held-out pairs ({how}). BLEU and chrF: sacrebleu's corpus scores (13a "
        "tokenization, cased, 0-100); Δ BLEU against 'copy' (each source returned "
        "unchanged)."
    )
    return "\n".join(lines) + "\n\n" + legend
