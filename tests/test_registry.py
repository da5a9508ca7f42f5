"""One registry: a new architecture is one module plus one entry.

The tiny encoder below is defined outside the package, as a user's or a
contributor's would be (docs/user_guide/adding_an_architecture.rst walks
through the same code). Registered, its estimators pass scikit-learn's checks,
join ``compare`` and ``sknn-text compare``, and save and load, with no other
edit anywhere.
"""

import io
from numbers import Integral

import keras
import numpy as np
import pytest
from conftest import sklearn_checks
from sklearn.utils._param_validation import Interval

import sknn_text
from sknn_text import _registry
from sknn_text.compare import compare_models, default_models
from sknn_text.extending import (
    BaseTextNetwork,
    ClassifierHead,
    CompareEntry,
    Encoder,
    Encoding,
    Family,
    FeatureInput,
    LanguageModelHead,
    Parameter,
    RegressorHead,
    TaggerHead,
    TokenInput,
    compose,
    register,
    unregister,
)


# --------------------------------------------------------- the new module
def build_tiny(source, *, per_step, causal, l2, seeds, width, dropout):
    """One layer of ``width`` relu units on each feature vector, or on each
    position of a sequence (which a document head then mean-pools)."""
    hidden = keras.layers.Dense(width, "relu", kernel_initializer=seeds.glorot(), name="tiny")
    pooling = None if source.kind == "features" else "mean"
    return Encoding(source.inputs, hidden(source.x), pooling=pooling, dropout=dropout)


TINY_ENCODER = Encoder(
    "tiny",
    build_tiny,
    {
        "width": Parameter(
            64, [Interval(Integral, 1, None, closed="left")], "int", "Units of the layer."
        )
    },
    wording={"dropout_where": "before {output}"},
)

TinyTextClassifier = compose(
    "TinyTextClassifier",
    head=ClassifierHead,
    inputs=FeatureInput,
    encoder=TINY_ENCODER,
    module=__name__,
    doc="""A tiny classifier: one hidden layer.

    Examples
    --------
    >>> TinyTextClassifier(width=4).width
    4
    """,
)
TinyTextRegressor = compose(
    "TinyTextRegressor",
    head=RegressorHead,
    inputs=FeatureInput,
    encoder=TINY_ENCODER,
    module=__name__,
    doc="A tiny regressor: one hidden layer.",
)
# The same encoder serves the per-token tasks, unchanged.
TinyTextTagger = compose(
    "TinyTextTagger",
    head=TaggerHead,
    inputs=TokenInput,
    encoder=TINY_ENCODER,
    module=__name__,
    doc="A tiny tagger: one layer on each token's embeddings.",
    defaults={"learning_rate": 0.01},
)
TinyLanguageModel = compose(
    "TinyLanguageModel",
    head=LanguageModelHead,
    inputs=BaseTextNetwork,
    encoder=TINY_ENCODER,
    module=__name__,
    doc="A tiny language model: the next token from the current one.",
)

TINY = Family(
    "tiny",
    __name__,
    {
        "classifier": "TinyTextClassifier",
        "regressor": "TinyTextRegressor",
        "tagger": "TinyTextTagger",
        "language_model": "TinyLanguageModel",
    },
    compare=CompareEntry("TF-IDF + the tiny network", features="tfidf"),
)


# ----------------------------------------------------------------- checks
@pytest.fixture
def registered():
    register(TINY)
    yield TINY
    unregister(TINY.name)


TINY_STRUCTURAL, TINY_LEARNING = sklearn_checks([TinyTextClassifier, TinyTextRegressor])


@pytest.mark.slow  # a third party's checks: the fast loop checks ours (test_common)
@pytest.mark.parametrize("estimator, check", TINY_STRUCTURAL + TINY_LEARNING)
def test_a_new_architecture_passes_sklearn_checks(estimator, check):
    check(estimator)


def test_docstring_and_parameters_come_from_the_declarations():
    doc = TinyTextClassifier.__doc__
    assert "width : int, default=64" in doc
    assert "class_weight : dict" in doc and "classes_ : ndarray" in doc
    assert "Dropout rate, in [0, 1), before the output." in doc
    assert "penalty on the output layer's kernel" in " ".join(doc.split())
    assert TinyTextClassifier().get_params()["width"] == 64
    assert "class_weight" not in TinyTextRegressor().get_params()
    tagger_doc = TinyTextTagger.__doc__
    assert "before the tag scores" in tagger_doc
    assert "learning_rate : float, default=0.01" in tagger_doc


def test_one_encoder_serves_every_task():
    """The tiny encoder knows no head: composed with the tagger's and the
    language model's, it tags and predicts the next word."""
    X = [["the", "cat", "sat"], ["a", "dog", "ran"]] * 20
    y = [["DET", "NOUN", "VERB"]] * 40
    tagger = TinyTextTagger(width=8, epochs=15, random_state=0).fit(X, y)
    assert tagger.model_.name == "tiny_tagger"
    assert tagger.predict([["the", "dog", "sat"]]) == [["DET", "NOUN", "VERB"]]
    texts = ["one two three four"] * 30
    model = TinyLanguageModel(
        width=8, embedding_dim=8, epochs=40, learning_rate=0.05, random_state=0
    ).fit(texts)
    assert model.predict_next(["one two"], top_k=1) == [["three"]]


def test_it_joins_compare_and_save_load(registered):
    texts = ["a good film", "a bad film", "good acting", "bad plot"] * 12
    labels = ["pos", "neg", "pos", "neg"] * 12
    models = default_models(random_state=0)
    assert "tiny" in models and isinstance(models["tiny"][-1], TinyTextClassifier)
    result = compare_models({"tiny": models["tiny"]}, texts, labels, cv=2)
    assert [row["model"] for row in result.table] == ["lr", "tiny"]
    model = models["tiny"].fit(texts, labels)
    buffer = io.BytesIO()
    model[-1].save(buffer)
    loaded = sknn_text.load(buffer)
    X = model[0].transform(texts)
    np.testing.assert_array_equal(loaded.predict_proba(X), model[-1].predict_proba(X))


def test_it_joins_the_command_line(registered, capsys):
    from sknn_text.cli import main

    status = main(["compare", "--help"])
    assert status == 0 and "TF-IDF + the tiny network" in capsys.readouterr().out


def test_registry_refuses_clashes_and_built_in_removal():
    with pytest.raises(ValueError, match="already registered"):
        _registry.register(Family("lstm", __name__, {"classifier": "TinyTextClassifier"}))
    with pytest.raises(ValueError, match="already registered"):
        _registry.register(Family("other", __name__, {"classifier": "LSTMTextClassifier"}))
    with pytest.raises(ValueError, match="Unknown task"):
        _registry.register(Family("other", __name__, {"ranker": "TinyTextClassifier"}))
    with pytest.raises(ValueError, match="built in"):
        _registry.unregister("lstm")


def test_public_names_come_from_the_registry():
    from sknn_text import (
        classifiers,
        decomposition,
        language_models,
        regressors,
        taggers,
        translators,
    )

    task_modules = {
        "classifier": classifiers,
        "regressor": regressors,
        "tagger": taggers,
        "language_model": language_models,
        "autoencoder": decomposition,
        "translator": translators,
    }
    assert set(task_modules) == set(_registry.TASKS)
    for family in _registry.built_in_families():
        for task, name in family.estimators.items():
            cls = getattr(sknn_text, name)
            assert cls.__module__ == family.module_of(name) and name in sknn_text.__all__
            assert getattr(task_modules[task], name) is cls and name in task_modules[task].__all__
        for alias, name in family.aliases.items():
            assert getattr(sknn_text, alias) is getattr(sknn_text, name)
    with pytest.raises(AttributeError, match=r"language_models.*LSTMTextClassifier"):
        language_models.LSTMTextClassifier  # noqa: B018


def test_each_docstring_names_its_own_class_and_only_claims_kernels_it_has():
    """The examples import the class under its ``...Text...`` name (not an
    alias), and SimpleRNN, which has no cuDNN kernel, does not promise one."""
    for family in _registry.built_in_families():
        for name in family.estimators.values():
            doc = _registry.resolve(name).__doc__
            imports = [line for line in doc.splitlines() if ">>> from sknn_text import" in line]
            assert any(name in line.split() or f"{name}," in line for line in imports), name
            assert not set(family.aliases) & set(" ".join(imports).replace(",", " ").split())
            if family.name == "simple_rnn":
                assert "cuDNN kernels on a GPU" not in doc.replace("\n    ", " "), name


def test_the_new_module_needs_no_private_module():
    """This file plays a third party's module: it imports only public names
    (``_registry`` is used by the tests around it, not by the module)."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(__file__).read_text())
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    private = {name for name in imported if name.startswith("sknn_text._")}
    assert not private
    from sknn_text import extending

    for name in extending.__all__:
        assert getattr(extending, name).__module__.startswith("sknn_text"), name


def test_a_task_may_live_in_a_module_of_its_own():
    family = _registry.Family(
        "split_family", "pkg.main", {"classifier": "SplitTextClassifier", "tagger": "SplitTagger"},
        aliases={"SplitClassifier": "SplitTextClassifier"}, modules={"tagger": "pkg.tagging"},
    )
    assert family.module_of("SplitTagger") == "pkg.tagging"
    assert family.module_of("SplitTextClassifier") == "pkg.main"
    assert family.module_of("SplitClassifier") == "pkg.main"
    with pytest.raises(KeyError):
        family.module_of("Nothing")
