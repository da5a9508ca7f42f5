"""``estimator.export``: ONNX (run in onnxruntime) and TensorFlow SavedModel.

The exported graph returns what ``predict_proba`` (classifiers) or ``predict``
(regressors) return, within 1e-5 (regressors: 1e-5 of the target's standard
deviation), for every family and every kind of input.
"""

import re
import sys
import textwrap
from pathlib import Path

import keras
import numpy as np
import pytest
import scipy.sparse as sp
from conftest import right_padded_tokens

from sknn_text import (
    CNNTextRegressor,
    FastTextClassifier,
    GRUTextRegressor,
    MLPTextClassifier,
    MLPTextRegressor,
    TransformerTextRegressor,
)

ort = pytest.importorskip("onnxruntime")
pytest.importorskip("tf2onnx")
pytestmark = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="ONNX and SavedModel export via TensorFlow"
)

RNG = np.random.RandomState(0)
FEATURES = RNG.uniform(size=(40, 6))
SPARSE = sp.csr_matrix(np.where(FEATURES > 0.6, FEATURES, 0))
SERIES = RNG.normal(size=(40, 5, 2)) * 10 + 50
BINARY = np.arange(40) % 2
ONE = {"epochs": 1, "random_state": 0}

# name -> (estimator, X, y, what the graph is fed)
OTHER_CASES = {
    "mlp-sparse-binary": (MLPTextClassifier((4,), **ONE), SPARSE, BINARY, SPARSE.toarray()),
    "mlp-multilabel": (
        MLPTextClassifier((4,), **ONE), FEATURES,
        np.column_stack([BINARY, 1 - BINARY, FEATURES[:, 0] > 0.5]), FEATURES,
    ),
    "mlp-regressor-raw-scale": (
        MLPTextRegressor((4,), **ONE), FEATURES, FEATURES[:, 0] * 1000 + 5, FEATURES
    ),
    "gru-2d-series": (GRUTextRegressor(units=3, **ONE), SERIES[:, :, 0], SERIES[:, -1, 0],
                      SERIES[:, :, :1]),
    "cnn-3d-series-two-outputs": (
        CNNTextRegressor(filters=3, kernel_sizes=2, **ONE), SERIES, SERIES[:, -1, :], SERIES
    ),
    "transformer-regressor": (
        TransformerTextRegressor(num_heads=2, feedforward_dim=4, embedding_dim=4, **ONE),
        None, None, None,
    ),
    "fasttext-sparse-features": (FastTextClassifier(embedding_dim=3, **ONE), SPARSE,
                                 np.arange(40) % 3, SPARSE.toarray()),
}


def expected(estimator, X):
    if hasattr(estimator, "predict_proba"):
        return estimator.predict_proba(X), 1.0
    return estimator.predict(X), estimator._target_scale


class _FittedOnFirstUse(dict):
    """``name -> (fitted estimator, X for the estimator, X for the graph)`` of
    OTHER_CASES, each fitted when first asked for: with ``pytest -n``, a worker
    fits only the cases of the tests it runs."""

    def __missing__(self, name):
        estimator, X, y, fed = OTHER_CASES[name]
        if X is None:  # a regressor on the token ids of the tiny classifiers
            X = fed = right_padded_tokens(40, 8, min_length=1)
            y = (X != 0).sum(axis=1) * 3.0
        self[name] = (estimator.fit(X, y), X, fed)
        return self[name]


@pytest.fixture(scope="module")
def other_cases():
    return _FittedOnFirstUse()


def case(request, name):
    """(fitted estimator, X for the estimator, X for the graph) of ``name``: one of
    the session's tiny classifiers, or of OTHER_CASES."""
    if name in OTHER_CASES:
        return request.getfixturevalue("other_cases")[name]
    estimator, X = request.getfixturevalue("tiny_classifiers")[name]
    return estimator, X, X


def run_onnx(path, fed):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (graph_input,) = session.get_inputs()
    dtype = np.int32 if graph_input.type == "tensor(int32)" else np.float32
    return session, lambda rows: session.run(None, {graph_input.name: fed[rows].astype(dtype)})[0]


@pytest.mark.parametrize(
    "name",
    ["mlp", "simple_rnn", "lstm", "gru", "cnn", "transformer", "fasttext", *OTHER_CASES],
)
def test_onnx_export_runs_in_onnxruntime_and_matches(request, name, tmp_path):
    estimator, X, fed = case(request, name)
    estimator.export(tmp_path / "model.onnx")
    session, run = run_onnx(tmp_path / "model.onnx", fed)
    reference, scale = expected(estimator, X)
    (graph_input,), (graph_output,) = session.get_inputs(), session.get_outputs()
    assert graph_input.name == estimator.model_.inputs[0].name
    classifier = hasattr(estimator, "predict_proba")
    assert graph_output.name == ("probabilities" if classifier else "predictions")
    everything = slice(None)
    outputs = run(everything)
    assert outputs.shape == reference.shape
    np.testing.assert_array_less(np.abs(outputs - reference) / scale, 1e-5)
    # Batch invariance: each document alone gives its output in the batch (to 1e-6).
    alone = np.concatenate([run([row]) for row in range(0, len(fed), 7)])
    np.testing.assert_allclose(alone / scale, outputs[::7] / scale, rtol=0, atol=1e-6)


@pytest.mark.parametrize("name", ["gru", "transformer"])
def test_onnx_export_drops_unknown_words_as_predict_does(request, name, tmp_path):
    estimator, X, _ = case(request, name)
    assert not estimator._unknown_trained  # no id 1 among the training ids
    unknown = X.copy()
    unknown[:, 1] = np.where(X[:, 1] > 0, 1, 0)  # the second word of each row unknown
    unknown[0] = [1, 1, 0, 0, 0, 0, 0, 0]  # only unknown words: read as they are
    estimator.export(tmp_path / "model.onnx")
    _, run = run_onnx(tmp_path / "model.onnx", unknown)
    reference = estimator.predict_proba(unknown)
    np.testing.assert_allclose(run(slice(None)), reference, rtol=0, atol=1e-5)


@pytest.mark.parametrize(
    "name",
    ["mlp", "simple_rnn", "lstm", "gru", "cnn", "transformer", "fasttext",
     "cnn-3d-series-two-outputs"],
)
def test_tf_saved_model_export_serves_the_same(request, name, tmp_path):
    estimator, X, fed = case(request, name)
    estimator.export(tmp_path / "saved_model", format="tf_saved_model")
    served = keras.layers.TFSMLayer(tmp_path / "saved_model", call_endpoint="serve")
    dtype = "int32" if fed.dtype.kind in "iu" else "float32"
    outputs = keras.ops.convert_to_numpy(served(fed.astype(dtype)))
    reference, scale = expected(estimator, X)
    np.testing.assert_array_less(np.abs(outputs - reference) / scale, 1e-5)


def test_export_checks_its_arguments(tiny_classifiers, tmp_path):
    with pytest.raises(ValueError, match=r"format must be one of \['onnx', 'tf_saved_model'\]"):
        tiny_classifiers["mlp"][0].export(tmp_path / "model.pt", format="torch")
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        MLPTextClassifier().export(tmp_path / "model.onnx")


def test_onnx_export_without_the_extra_says_how_to_install_it(tiny_classifiers, tmp_path,
                                                                monkeypatch):
    monkeypatch.setitem(sys.modules, "tf2onnx", None)  # as if not installed
    with pytest.raises(ImportError):
        import tf2onnx  # noqa: F401
    with pytest.raises(ImportError, match=re.escape('pip install "sknn_text[onnx]"')):
        tiny_classifiers["mlp"][0].export(tmp_path / "model.onnx")
    assert not (tmp_path / "model.onnx").exists()


def saving_guide_snippet(heading):
    """The first code block after ``heading`` in docs/user_guide/saving.rst."""
    guide = (Path(__file__).parents[1] / "docs" / "user_guide" / "saving.rst").read_text()
    section = guide.split(f"\n{heading}\n", 1)[1]
    block = re.search(r"\.\. code-block:: python\n\n(.+?)\n\n(?=\S)", section, re.DOTALL)
    return textwrap.dedent(block.group(1))


@pytest.mark.parametrize("text_step", ["tokenizer", "tfidf"])
def test_the_guide_serves_a_whole_pipeline_through_onnx(text_step, tmp_path, monkeypatch):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline

    from sknn_text import GRUTextClassifier, TextTokenizer
    from sknn_text.datasets import load_movie_sentences

    texts, labels = load_movie_sentences(return_X_y=True)
    texts, labels = texts[::50], labels[::50]
    if text_step == "tokenizer":
        model = make_pipeline(TextTokenizer(sequence_length=20), GRUTextClassifier(units=4, **ONE))
    else:
        model = make_pipeline(TfidfVectorizer(min_df=2), MLPTextClassifier((4,), **ONE))
    model.fit(texts, labels)
    new_texts = ["a gorgeous, moving film", "dull and far too long", *texts[:30]]
    monkeypatch.chdir(tmp_path)
    namespace = {"model": model, "new_texts": new_texts}
    exec(saving_guide_snippet("Serving a whole pipeline"), namespace)
    proba = namespace["onnx_predict_proba"](new_texts)
    np.testing.assert_allclose(proba, model.predict_proba(new_texts), rtol=0, atol=1e-5)
