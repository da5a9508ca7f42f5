"""Compare the taggers with a CRF on CoNLL-style data (``sknn-text compare --task tagging``).

Every tagger of the registry's families (``task="tagger"``) and a linear-chain
CRF baseline (sklearn-crfsuite, where installed) are fitted on the same
training sentences, either once (a test file) or on the folds of a K-fold
split of the sentences, and scored with chunk F1 (CoNLL rules), overall and
per chunk type.
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.model_selection import KFold

from .._architectures._tokens import word_shape
from .._registry import families, resolve
from ..metrics import chunk_f1_score, chunk_precision_recall_fscore_support

BASELINE = "crf"


def tagger_names():
    """Families with a tagger, by short name."""
    return [family.name for family in families() if "tagger" in family.estimators]


def crf_token_features(sentence, index):
    """The usual CRF feature template of one token: word, lower case, suffixes,
    shape, the token's further columns (POS), and the same for a +-1 window."""
    word, columns = _word_and_columns(sentence[index])
    features = {
        "bias": 1.0,
        "word.lower": word.lower(),
        "suffix3": word[-3:],
        "suffix2": word[-2:],
        "isupper": word.isupper(),
        "istitle": word.istitle(),
        "isdigit": word.isdigit(),
        "shape": word_shape(word),
        **{f"column{c}": value for c, value in enumerate(columns)},
        **{f"column{c}[:2]": value[:2] for c, value in enumerate(columns)},
    }
    for offset, name in ((-1, "-1"), (1, "+1")):
        other = index + offset
        if 0 <= other < len(sentence):
            other_word, other_columns = _word_and_columns(sentence[other])
            features[f"{name}:word.lower"] = other_word.lower()
            features[f"{name}:istitle"] = other_word.istitle()
            features.update({f"{name}:column{c}": v for c, v in enumerate(other_columns)})
            features.update({f"{name}:column{c}[:2]": v[:2] for c, v in enumerate(other_columns)})
        else:
            features["BOS" if offset < 0 else "EOS"] = True
    return features


def _word_and_columns(token):
    if isinstance(token, str):
        return token, ()
    return token[0], tuple(str(value) for value in token[1:])


def make_crf_baseline(max_iterations=100):
    """sklearn-crfsuite's CRF (L-BFGS, elastic net), or None where not installed."""
    try:
        import sklearn_crfsuite
    except ImportError:
        return None
    return sklearn_crfsuite.CRF(
        algorithm="lbfgs", c1=0.1, c2=0.1, max_iterations=max_iterations,
        all_possible_transitions=True,
    )


def _featurize(X):
    return [[crf_token_features(s, i) for i in range(len(s))] for s in X]


def _needs_preset(family):
    return family.compare is not None and family.compare.needs_preset


def make_tagger(cls, *, epochs=None, max_epochs=None, random_state=0, preset=None):
    """An unfitted tagger of class ``cls`` as a comparison fits it.

    Parameters
    ----------
    cls : type
        A tagger class of the registry.
    epochs : int or None, default=None
        Epochs, trained exactly; None keeps the class's own (``"auto"``).
    max_epochs : int or None, default=None
        The cap of the adaptive budget (``epochs="auto"``), which keeps its
        stopping rule; None keeps the class's own. Ignored with ``epochs``.
    random_state : int, default=0
        Seed of the network.
    preset : str or None, default=None
        The keras-hub preset of a tagger that takes one (``"pretrained"``).
    """
    params = {"random_state": random_state}
    if preset is not None:
        params["preset"] = preset
    if epochs is not None:
        params["epochs"] = epochs
    if max_epochs is not None:
        params["max_epochs"] = max_epochs
    return cls(**params)


def compare_taggers(
    X, y, *, X_test=None, y_test=None, models=None, cv=3, epochs=None, max_epochs=None,
    baseline=True, random_state=0, progress=None, preset=None,
):
    """Fit each tagger (and the CRF baseline) on the same splits; score chunk F1.

    Parameters
    ----------
    X, y : list of list
        Training sentences and their tags.
    X_test, y_test : list of list, default=None
        Test sentences; None cross-validates on ``cv`` folds of ``X``.
    models : list of str, default=None
        Family names (:func:`tagger_names`); None takes them all (those that
        need a ``preset`` only when it is given).
    cv : int, default=3
        Folds without a test set.
    epochs : int or None, default=None
        Epochs of every tagger, trained exactly; None keeps their own
        (``"auto"``).
    max_epochs : int or None, default=None
        The cap of every tagger's adaptive budget (``epochs="auto"``), which
        keeps its stopping rule; None keeps their own. Ignored with ``epochs``.
    baseline : bool, default=True
        Also fit the CRF (skipped with a note when sklearn-crfsuite is missing).
    random_state : int, default=0
        Seed of the folds and the networks.
    progress : callable or None
        Called as ``progress(name, split, f1)`` after each fit.
    preset : str or None, default=None
        The keras-hub preset (a name or a ``save_to_preset`` folder) of the
        pretrained tagger (``"pretrained"``).

    Returns
    -------
    result : dict
        ``rows`` (one per model: name, mean and std of chunk F1 over the
        splits, fit seconds, F1 per chunk type on the pooled predictions) and
        ``notes``.
    """
    if X_test is None:
        folds = list(KFold(cv, shuffle=True, random_state=random_state).split(X))
        splits = [
            ([X[i] for i in train], [y[i] for i in train], [X[i] for i in test],
             [y[i] for i in test])
            for train, test in folds
        ]
    else:
        splits = [(X, y, X_test, y_test)]
    modules = {family.name: family for family in families()}
    names = list(models or [
        name for name in tagger_names() if preset is not None or not _needs_preset(modules[name])
    ])
    builders, notes = {}, []
    if baseline:
        if make_crf_baseline() is None:
            notes.append("no CRF baseline: pip install sklearn-crfsuite")
        else:
            builders[BASELINE] = None
    for name in names:
        family = modules.get(name)
        if family is None or "tagger" not in family.estimators:
            raise ValueError(f"No tagger named {name!r}; taggers are {tagger_names()}.")
        if _needs_preset(family) and preset is None:
            raise ValueError(f"The {name!r} tagger needs a preset (--preset).")
        builders[name] = resolve(family.estimators["tagger"])
    rows = []
    for name, cls in builders.items():
        scores, seconds, true_all, pred_all = [], 0.0, [], []
        for split, (X_fit, y_fit, X_eval, y_eval) in enumerate(splits, start=1):
            start = time.perf_counter()
            if cls is None:
                model = make_crf_baseline().fit(_featurize(X_fit), y_fit)
                pred = [list(tags) for tags in model.predict(_featurize(X_eval))]
            else:
                model = make_tagger(
                    cls, epochs=epochs, max_epochs=max_epochs, random_state=random_state,
                    preset=preset if _needs_preset(modules[name]) else None,
                )
                pred = model.fit(X_fit, y_fit).predict(X_eval)
            seconds += time.perf_counter() - start
            scores.append(chunk_f1_score(y_eval, pred))
            true_all += y_eval
            pred_all += pred
            if progress is not None:
                progress(name, split, scores[-1])
        _, _, per_type, support, types = chunk_precision_recall_fscore_support(
            true_all, pred_all, average=None
        )
        rows.append({
            "model": name,
            "chunk_f1": float(np.mean(scores)),
            "chunk_f1_std": float(np.std(scores)),
            "fit_s": seconds / len(splits),
            "per_type_f1": {str(t): float(f) for t, f in zip(types, per_type, strict=True)},
            "support": {str(t): int(s) for t, s in zip(types, support, strict=True)},
        })
    return {"rows": rows, "n_splits": len(splits), "notes": notes}


def tagging_table(result):
    """The result as a Markdown table: overall chunk F1, then F1 per chunk type."""
    rows = result["rows"]
    types = sorted(
        {t for row in rows for t in row["support"]},
        key=lambda t: -max(row["support"].get(t, 0) for row in rows),
    )
    header = ["model", "chunk F1", "fit s", *types]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        spread = f" ± {row['chunk_f1_std']:.4f}" if result["n_splits"] > 1 else ""
        cells = [row["model"], f"{row['chunk_f1']:.4f}{spread}", f"{row['fit_s']:.1f}"]
        cells += [f"{row['per_type_f1'].get(t, 0.0):.3f}" for t in types]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines + [f"\n{note}" for note in result["notes"]])
