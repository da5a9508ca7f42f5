import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# The tests train tiny models, whose steps are many small ops: one TensorFlow thread
# per process runs them faster than several, and keeps the two workers of
# ``pytest -n 2`` from fighting over two cores (measured: a 300-row fit of the
# default Transformer takes 2.2 s instead of 3.4 s with both workers busy).
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")

import keras
import numpy as np
import pytest
from sklearn.base import is_regressor
from sklearn.utils.estimator_checks import parametrize_with_checks

POSITIVE = ["great", "wonderful", "moving", "brilliant", "funny", "superb"]
NEGATIVE = ["dull", "boring", "awful", "tedious", "flat", "clumsy"]
FILLER = ["the", "film", "plot", "was", "a", "story", "acting", "really", "and"]


def make_reviews(n, seed=0, *, max_cues=1):
    """``n`` short synthetic reviews: filler words and 1 to ``max_cues`` sentiment
    cues. Returns texts, labels (``"pos"``/``"neg"``) and scores (10 or 1)."""
    rng = np.random.RandomState(seed)
    texts, labels = [], []
    for _ in range(n):
        label = rng.randint(2)
        words = list(rng.choice(FILLER, size=rng.randint(3, 9)))
        cue = POSITIVE if label else NEGATIVE
        for _ in range(rng.randint(1, max_cues + 1)):
            words.insert(rng.randint(len(words) + 1), rng.choice(cue))
        texts.append(" ".join(words))
        labels.append(label)
    labels = np.array(labels)
    return texts, np.where(labels == 1, "pos", "neg"), 1.0 + 9.0 * labels


#: A toy "language pair" for the translators: every word has its translation.
TOY_LEXICON = {
    "the": "die", "cat": "katze", "dog": "hund", "sees": "sieht", "eats": "frisst",
    "a": "eine", "big": "grosse", "small": "kleine", "bird": "vogel", "fish": "fisch",
}  # fmt: skip


def toy_translation_pairs(n, seed, *, reverse):
    """``n`` random source sentences of 2 to 6 words and their word-by-word
    translations, read backwards if ``reverse``."""
    rng = np.random.RandomState(seed)
    sources, targets = [], []
    for _ in range(n):
        words = list(rng.choice(list(TOY_LEXICON), rng.randint(2, 7)))
        sources.append(" ".join(words))
        order = reversed(words) if reverse else words
        targets.append(" ".join(TOY_LEXICON[word] for word in order))
    return sources, targets


#: The checking budget: scikit-learn runs its common checks at small checking
#: parameters (a low ``max_iter``), and the structural checks of
#: ``test_common.py`` run every network at these. Two epochs exercise every
#: code path of a fit (a second epoch, the model already built and traced)
#: while leaving the architecture as its defaults build it; what a default fit
#: learns is checked at the true defaults (``test_common.LEARNING_CHECKS``).
#: Pass them to check an architecture of your own the same way.
CHECKING_PARAMETERS = {"epochs": 2}

#: Modules whose every test is ``slow``: they start processes or clusters, run
#: the examples, the benchmarks, other tools (ONNX, MLflow, skops) or real
#: data, or test a task with machinery of its own. ``pytest -n 2 -m "not slow"``
#: is the fast loop for editing; the full suite, and CI, run them all.
SLOW_MODULES = {
    "test_benchmarks", "test_isolation", "test_dask", "test_sigint", "test_quiet",
    "test_sharing", "test_export", "test_real_data",
    # The tasks with machinery of their own (translation, keras-hub encoders,
    # pretraining, streaming, compression) trace whole encoder-decoders or BERTs:
    # run their modules by path when editing them.
    "test_translators", "test_compare_translation", "test_pretrained", "test_pretraining",
    "test_streaming_tokens", "test_autoencoder",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.parent.name == "tests" and item.path.stem in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


#: Why the sample-weight equivalence checks of scikit-learn fail on every network.
MINI_BATCH_REASON = (
    "Mini-batch training cannot make a sample weight of 2 equal to duplicating the "
    "sample: duplicates change the batches and the number of steps per epoch. "
    "scikit-learn checks its own MLP here only with full-batch lbfgs."
)


def reported_not_run(parametrization, reason):
    """``parametrization`` with the checks expected to fail for ``reason`` reported
    as expected failures without running them.

    For the mini-batch sample-weight checks: their failure is structural, so
    running them (some 35 s of the suite) could never tell anything new.
    """
    params = []
    for param in parametrization.args[1]:
        marks = getattr(param, "marks", ())
        if any(mark.name == "xfail" and mark.kwargs.get("reason") == reason for mark in marks):
            param = pytest.param(
                *param.values, marks=pytest.mark.xfail(reason=reason, run=False), id=param.id
            )
        params.append(param)
    return pytest.mark.parametrize(parametrization.args[0], params, **parametrization.kwargs)


#: The checks expected to fail on every network, each with its reason.
#: This list may only shrink.
EXPECTED_FAILED_CHECKS = {
    "check_sample_weight_equivalence_on_dense_data": MINI_BATCH_REASON,
    "check_sample_weight_equivalence_on_sparse_data": MINI_BATCH_REASON,
}

#: The checks whose assertions hold only for a network that has learned: an
#: accuracy or R² bar (``*_train``, ``check_class_weight_classifiers``), every
#: class predicted (``check_classifiers_classes``), the same predictions for a
#: column vector ``y`` as for a 1-D one (``check_supervised_y_2d``, which
#: compares two fits). They run at the true defaults.
LEARNING_CHECKS = frozenset(
    {
        "check_classifiers_train",
        "check_regressors_train",
        "check_classifiers_classes",
        "check_class_weight_classifiers",
        "check_class_weight_balanced_classifiers",
        "check_supervised_y_2d",
    }
)


def check_name(check):
    """The name of a check function that scikit-learn may have wrapped in partials."""
    while hasattr(check, "func"):
        check = check.func
    return check.__name__


def selected_checks(estimators, keep, marks=()):
    """``parametrize_with_checks(estimators)`` as a list of ``pytest.param``: only
    the checks for which ``keep(name)`` holds, each with ``marks`` added."""
    parametrization = reported_not_run(
        parametrize_with_checks(
            estimators, expected_failed_checks=lambda _: EXPECTED_FAILED_CHECKS
        ),
        MINI_BATCH_REASON,
    )
    name_of = parametrization.kwargs["ids"]
    params = []
    for param in parametrization.args[1]:
        # A pytest.param (marked) or a plain (estimator, check) tuple.
        values, old_marks = (param.values, param.marks) if hasattr(param, "marks") else (param, ())
        if keep(check_name(values[1])):
            test_id = "-".join(name_of(value) for value in values)
            params.append(pytest.param(*values, marks=(*old_marks, *marks), id=test_id))
    return params


def sklearn_checks(classes, others=(), fast_loop=None):
    """scikit-learn's checks for the network ``classes``, at the checking budget:

    * the structural ones at :data:`CHECKING_PARAMETERS` (with the estimators
      ``others``, which have no budget, at their defaults);
    * :data:`LEARNING_CHECKS` at the true defaults, marked ``slow``.

    The structural checks of a regressor are marked ``slow`` too: the fast
    loop runs them once per architecture, on its classifier; and only for the
    classes ``fast_loop`` lets through (all, when it is None).

    Returns ``(structural, learning)``, two lists of ``pytest.param``.
    """
    fast = [cls for cls in classes if fast_loop is None or fast_loop(cls)]
    structural = [
        *selected_checks(
            [cls(**CHECKING_PARAMETERS) for cls in fast if not is_regressor(cls())],
            lambda name: name not in LEARNING_CHECKS,
        ),
        *selected_checks(
            [
                cls(**CHECKING_PARAMETERS)
                for cls in classes
                if is_regressor(cls()) or cls not in fast
            ],
            lambda name: name not in LEARNING_CHECKS,
            marks=(pytest.mark.slow,),
        ),
        *selected_checks(others, lambda name: name not in LEARNING_CHECKS),
    ]
    learning = selected_checks(
        [cls() for cls in classes],
        lambda name: name in LEARNING_CHECKS,
        marks=(pytest.mark.slow,),
    )
    return structural, learning


class KeepWeights(keras.callbacks.Callback):
    """A callback that keeps the weights at the end of every epoch."""

    def __init__(self):
        super().__init__()
        self.per_epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.per_epoch.append(self.model.get_weights())


def right_padded_tokens(n_rows, width, *, low=2, high=30, min_length=3, seed=0):
    """Random token ids in ``[low, high)``, each row right-padded with 0.

    Row lengths are drawn from ``[min_length, width]``; returns int64 ids.
    """
    rng = np.random.RandomState(seed)
    X = np.zeros((n_rows, width), dtype=np.int64)
    for row, length in enumerate(rng.randint(min_length, width + 1, size=n_rows)):
        X[row, :length] = rng.randint(low, high, size=length)
    return X


#: The tiny value of each size parameter, for tests that need every family
#: fitted: a family of the registry gets those of its parameters (a new
#: architecture needs no entry here)...
TINY_SIZES = {
    "hidden_layer_sizes": (4,),
    "units": 3,
    "embedding_dim": 4,
    "filters": 3,
    "kernel_sizes": (2, 3),
    "num_heads": 2,
    "feedforward_dim": 4,
}
#: ... and these settings put less common code paths under test.
TINY_SETTINGS = {
    "lstm": {"pooling": "attention", "bidirectional": True},
    "fasttext": {"embedding_dim": 3},
}


def tiny_parameters(family):
    """A tiny configuration of the registry ``family``'s estimators."""
    from sknn_text._registry import resolve

    names = resolve(next(iter(family.estimators.values())))().get_params()
    sizes = {name: value for name, value in TINY_SIZES.items() if name in names}
    return {**sizes, **TINY_SETTINGS.get(family.name, {})}


@pytest.fixture(scope="session")
def tiny_classifiers():
    """One fitted classifier per built-in family (3 classes, one epoch) and its ``X``:
    a feature matrix for the MLP, right-padded token ids for the others."""
    from sknn_text._registry import built_in_families, resolve

    rng = np.random.RandomState(0)
    tokens = right_padded_tokens(40, 8, min_length=1)
    features = rng.uniform(size=(40, 6))
    y = np.arange(40) % 3
    fitted = {}
    for family in built_in_families():
        cls = resolve(family.estimators["classifier"])
        if not cls().__sklearn_tags__().input_tags.two_d_array:
            continue  # raw text (the pretrained encoders: tests/test_pretrained.py)
        X = features if family.name == "mlp" else tokens
        params = {**tiny_parameters(family), "epochs": 1, "random_state": 0}
        fitted[family.name] = (cls(**params).fit(X, y), X)
    return fitted
