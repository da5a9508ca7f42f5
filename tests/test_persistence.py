"""Fitted estimators survive pickle, joblib and the code-free sknn_text format."""

import io
import json
import pickle
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import joblib
import keras
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline

import sknn_text
from sknn_text import (
    CNNTextClassifier,
    CNNTextRegressor,
    FastTextClassifier,
    GRURegressor,
    LSTMTextClassifier,
    MLPTextClassifier,
    MLPTextRegressor,
    SimpleRNNTextRegressor,
    TextTokenizer,
    TransformerTextClassifier,
    WordVectors,
)

RNG = np.random.RandomState(0)
X = RNG.normal(size=(48, 5))
Y = (X[:, 0] > 0).astype(int)
TOKENS = np.zeros((48, 7), dtype=np.int64)
for _row, _length in enumerate(RNG.randint(1, 8, size=48)):
    TOKENS[_row, :_length] = RNG.randint(2, 25, size=_length)
SERIES = RNG.normal(size=(48, 6, 2))
TEXTS = [
    " ".join(RNG.choice(["good", "great", "fine", "bad", "dull", "the", "film"], size=5))
    for _ in range(48)
]
SMALL = {"epochs": 2, "random_state": 0}


def prediction(estimator, data):
    if hasattr(estimator, "predict_proba"):
        return estimator.predict_proba(data)
    return estimator.predict(data)


# name -> (unfitted estimator, fit X, fit y, predict X)
CASES = {
    "mlp-string-labels": (
        MLPTextClassifier((6,), dropout=0.2, **SMALL), X, np.where(Y, "spam", "ham"), X
    ),
    "mlp-multiclass-sparse": (
        MLPTextClassifier((6,), class_weight="balanced", **SMALL),
        sp.csr_matrix(np.where(X > 0.5, X, 0)), RNG.randint(0, 3, 48),
        sp.csr_matrix(np.where(X > 0.5, X, 0)),
    ),
    "mlp-multilabel-dataframe": (
        MLPTextClassifier((6,), **SMALL),
        pd.DataFrame(X, columns=list("abcde")), np.column_stack([Y, 1 - Y, X[:, 1] > 0]),
        pd.DataFrame(X, columns=list("abcde")),
    ),
    "mlp-regressor-2d-sgd-instance": (
        MLPTextRegressor((6,), optimizer=keras.optimizers.SGD(0.01, momentum=0.5),
                         early_stopping=True, **SMALL),
        X, np.column_stack([X[:, 0] * 100, X[:, 1]]), X,
    ),
    "lstm-tokens-attention": (
        LSTMTextClassifier(units=(4, 3), embedding_dim=4, pooling="attention",
                           bidirectional=True, **SMALL),
        TOKENS, Y, TOKENS,
    ),
    "gru-series-3d": (GRURegressor(units=4, pooling="max", **SMALL), SERIES, X[:, 0], SERIES),
    "cnn-tokens-pretrained": (
        CNNTextClassifier(
            filters=3, kernel_sizes=(2, 3), freeze_embeddings=True, **SMALL,
            embeddings=WordVectors([f"w{i}" for i in range(30)], RNG.normal(size=(30, 4))),
        ),
        TOKENS, Y, TOKENS,
    ),
    "cnn-regressor-series": (
        CNNTextRegressor(filters=3, kernel_sizes=2, **SMALL), SERIES, X[:, 0], SERIES
    ),
    "transformer-tokens-multiclass": (
        TransformerTextClassifier(num_heads=2, feedforward_dim=4, embedding_dim=4, **SMALL),
        TOKENS, RNG.randint(0, 3, 48), TOKENS,
    ),
    "fasttext-sparse-features": (
        FastTextClassifier(embedding_dim=3, **SMALL),
        sp.csr_matrix(np.where(X > 0.5, X, 0)), Y, sp.csr_matrix(np.where(X > 0.5, X, 0)),
    ),
    "simple-rnn-series-2d": (
        SimpleRNNTextRegressor(units=4, random_state=np.random.RandomState(5), epochs=2),
        X, X[:, 0] + 10, X,
    ),
}


class _FittedOnFirstUse(dict):
    """``name -> the fitted estimator of CASES[name]``, each fitted when first asked
    for: with ``pytest -n``, a worker fits only the cases of the tests it runs."""

    def __missing__(self, name):
        estimator, fit_X, fit_y, _ = CASES[name]
        self[name] = estimator.fit(fit_X, fit_y)
        return self[name]


@pytest.fixture(scope="module")
def fitted():
    return _FittedOnFirstUse()


@pytest.fixture(scope="module")
def pipelines():
    """Fitted pipelines, read (never refitted) by the tests that use them."""
    return {
        "tokenizer-lstm": make_pipeline(
            TextTokenizer(max_tokens=10), LSTMTextClassifier(units=4, embedding_dim=4, **SMALL)
        ).fit(TEXTS, Y),
        "tfidf-mlp": make_pipeline(
            TfidfVectorizer(), MLPTextClassifier((6,), **SMALL)
        ).fit(TEXTS, Y),
        "hashed-bigrams-fasttext": make_pipeline(
            TextTokenizer(ngram_range=(1, 2), ngram_buckets=64),
            FastTextClassifier(embedding_dim=3, **SMALL),
        ).fit(TEXTS, Y),
    }


def assert_same_value(a, b, where):
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype, where
        np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), where
        for key in a:
            assert_same_value(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, keras.optimizers.Optimizer):
        assert type(a) is type(b) and a.get_config() == b.get_config(), where
    elif isinstance(a, np.random.RandomState):
        assert_same_value(a.get_state(legacy=False), b.get_state(legacy=False), where)
    else:
        assert type(a) is type(b) and a == b, where


def assert_same_estimator(original, loaded):
    assert type(loaded) is type(original)
    assert vars(loaded).keys() == vars(original).keys()
    for name, value in vars(original).items():
        if name != "model_":
            assert_same_value(value, vars(loaded)[name], name)


# ------------------------------------------------------------- pickle/joblib
@pytest.mark.parametrize("name", list(CASES))
def test_pickle_and_joblib_round_trip(fitted, name, tmp_path):
    estimator, data = fitted[name], CASES[name][3]
    expected = prediction(estimator, data)
    np.testing.assert_array_equal(
        prediction(pickle.loads(pickle.dumps(estimator)), data), expected
    )
    joblib.dump(estimator, tmp_path / "model.joblib")
    np.testing.assert_array_equal(
        prediction(joblib.load(tmp_path / "model.joblib"), data), expected
    )


def test_pipelines_round_trip(pipelines):
    for name, pipeline in pipelines.items():
        expected = pipeline.predict_proba(TEXTS)
        restored = pickle.loads(pickle.dumps(pipeline))
        np.testing.assert_array_equal(restored.predict_proba(TEXTS), expected, err_msg=name)
        buffer = io.BytesIO()
        joblib.dump(pipeline, buffer)
        buffer.seek(0)
        np.testing.assert_array_equal(
            joblib.load(buffer).predict_proba(TEXTS), expected, err_msg=name
        )


LOAD_AND_PREDICT = textwrap.dedent(
    """
    import json, pickle, sys
    import joblib, numpy as np
    import sknn_text
    texts, out = json.loads(sys.argv[1]), sys.argv[2]
    loaders = {"pickle": lambda f: pickle.load(open(f, "rb")), "joblib": joblib.load,
               "sknn": sknn_text.load}
    for path in sys.argv[3:]:
        name, kind = path.rsplit("/", 1)[-1].split(".")
        model = loaders[kind](path)
        data = texts if name.startswith("pipe-") else np.load(f"{out}/{name}.X.npy")
        predict = getattr(model, "predict_proba", model.predict)
        np.save(f"{out}/{name}.{kind}.npy", predict(data))
    """
)


@pytest.mark.slow
def test_fresh_process_predicts_bit_identically(fitted, pipelines, tmp_path):
    expected, files = {}, []
    for name in [
        "mlp-string-labels",
        "lstm-tokens-attention",
        "gru-series-3d",
        "transformer-tokens-multiclass",
    ]:
        estimator, data = fitted[name], CASES[name][3]
        np.save(tmp_path / f"{name}.X.npy", data)
        expected[name] = prediction(estimator, data)
        for kind in ("pickle", "joblib", "sknn"):
            path = tmp_path / f"{name}.{kind}"
            if kind == "pickle":
                path.write_bytes(pickle.dumps(estimator))
            elif kind == "joblib":
                joblib.dump(estimator, path)
            else:
                estimator.save(path)
            files.append(str(path))
    for name, pipeline in pipelines.items():
        expected[f"pipe-{name}"] = pipeline.predict_proba(TEXTS)
        for kind in ("pickle", "joblib"):
            path = tmp_path / f"pipe-{name}.{kind}"
            joblib.dump(pipeline, path) if kind == "joblib" else path.write_bytes(
                pickle.dumps(pipeline)
            )
            files.append(str(path))
    subprocess.run(
        [sys.executable, "-c", LOAD_AND_PREDICT, json.dumps(TEXTS), str(tmp_path), *files],
        check=True, capture_output=True, timeout=300,
    )
    for path in files:
        name, kind = path.rsplit("/", 1)[-1].split(".")
        np.testing.assert_array_equal(
            np.load(tmp_path / f"{name}.{kind}.npy"), expected[name], err_msg=path
        )


# ------------------------------------------------------------- save / load
@pytest.mark.parametrize("name", list(CASES))
def test_save_load_round_trip(fitted, name, tmp_path):
    estimator, data = fitted[name], CASES[name][3]
    path = tmp_path / "model.sknn"
    estimator.save(path)
    loaded = sknn_text.load(path)
    assert_same_estimator(estimator, loaded)
    np.testing.assert_array_equal(prediction(loaded, data), prediction(estimator, data))
    # The loaded estimator trains on: warm start and partial_fit keep working.
    fit_X, fit_y = CASES[name][1:3]
    loaded.set_params(warm_start=True, epochs=1).fit(fit_X, fit_y)
    assert loaded.n_iter_ == estimator.n_iter_ + 1


def test_save_load_unfitted_estimator_and_file_objects():
    buffer = io.BytesIO()
    LSTMTextClassifier(units=(3, 2), class_weight={0: 1.0, "1": 2}).save(buffer)
    buffer.seek(0)
    loaded = sknn_text.load(buffer)
    assert loaded.get_params()["units"] == (3, 2)
    assert loaded.class_weight == {0: 1.0, "1": 2}
    assert not hasattr(loaded, "model_")


def test_save_load_tokenizer():
    tokenizer = TextTokenizer(max_tokens=8, ngram_range=(1, 2), stop_words=["the"]).fit(
        TEXTS
    )
    buffer = io.BytesIO()
    tokenizer.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        assert sorted(archive.namelist()) == ["fitted.json", "params.json", "sknn_text.json"]
    buffer.seek(0)
    loaded = sknn_text.load(buffer)
    assert_same_estimator(tokenizer, loaded)
    np.testing.assert_array_equal(loaded.transform(TEXTS), tokenizer.transform(TEXTS))


@pytest.mark.parametrize(
    "estimator, message",
    [
        (MLPTextClassifier(callbacks=[keras.callbacks.TerminateOnNaN()]),
         "parameter 'callbacks': it holds an object of type TerminateOnNaN"),
        (TextTokenizer(tokenizer=str.split), "parameter 'tokenizer'"),
        (TextTokenizer(preprocessor=lambda text: text), "parameter 'preprocessor'"),
    ],
    ids=["callbacks", "tokenizer-method", "preprocessor-lambda"],
)
def test_save_refuses_code_with_a_clear_error(estimator, message):
    with pytest.raises(ValueError, match=message):
        estimator.save(io.BytesIO())


def test_save_refuses_subclasses():
    class Custom(MLPTextClassifier):
        pass

    with pytest.raises(TypeError, match=r"Cannot save test_persistence\.Custom in the sknn_text"):
        Custom().save(io.BytesIO())


def _rewrite(source, changes):
    """A copy of the zip ``source`` with some members replaced (None: dropped)."""
    target = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for member in old.namelist():
            data = changes.get(member, old.read(member))
            if data is not None:
                new.writestr(member, data)
        for member, data in changes.items():
            if member not in old.namelist() and data is not None:
                new.writestr(member, data)
    target.seek(0)
    return target


@pytest.fixture(scope="module")
def saved_lstm(fitted):
    buffer = io.BytesIO()
    fitted["lstm-tokens-attention"].save(buffer)
    return buffer.getvalue()


def test_other_version_warns(saved_lstm, fitted):
    with zipfile.ZipFile(io.BytesIO(saved_lstm)) as archive:
        header = json.loads(archive.read("sknn_text.json"))
    header["sknn_text_version"] = "0.0.1"
    changed = _rewrite(io.BytesIO(saved_lstm), {"sknn_text.json": json.dumps(header)})
    with pytest.warns(UserWarning, match=rf"sknn_text 0\.0\.1; loading it with sknn_text "
                      rf"{sknn_text.__version__}"):
        loaded = sknn_text.load(changed)
    np.testing.assert_array_equal(
        loaded.predict_proba(TOKENS), fitted["lstm-tokens-attention"].predict_proba(TOKENS)
    )


def _lambda_model_bytes(tmp_path):
    inputs = keras.Input((None,), dtype="int32")
    outputs = keras.layers.Lambda(lambda x: keras.ops.cast(x, "float32") * 2)(inputs)
    path = tmp_path / "evil.keras"
    keras.Model(inputs, outputs).save(path)
    return path.read_bytes()


@pytest.mark.parametrize(
    "corrupt, reason",
    [
        (lambda data, tmp: io.BytesIO(b"not a zip at all"), "not a readable zip"),
        (lambda data, tmp: io.BytesIO(data[: len(data) // 2]), "not a readable zip"),
        (lambda data, tmp: io.BytesIO(data[:-30]), "not a readable zip"),
        (lambda data, tmp: _rewrite(io.BytesIO(data), {"fitted.json": None}),
         "lacks fitted.json"),
        (lambda data, tmp: _rewrite(io.BytesIO(data), {"params.json": "{oops"}),
         "params.json is not valid JSON"),
        (lambda data, tmp: _rewrite(io.BytesIO(data), {"sknn_text.json": "{}"}),
         "does not name the sknn_text format"),
        (lambda data, tmp: _rewrite(
            io.BytesIO(data),
            {"sknn_text.json": json.dumps({"format": "sknn_text", "format_version": 1,
                                           "estimator": "Pipeline"})}),
         "'Pipeline' is not a class that the sknn_text format stores"),
        (lambda data, tmp: _rewrite(io.BytesIO(data), {"fitted.json": '{"predict": 1}'}),
         r"unknown fitted attributes \['predict'\]"),
        (lambda data, tmp: _rewrite(io.BytesIO(data), {"params.json": '{"units": 3, '
                                                       '"os": "system"}'}),
         "parameters do not fit LSTMTextClassifier"),
        (lambda data, tmp: _rewrite(io.BytesIO(data), {"model.keras": b"garbage"}),
         "model.keras is not a Keras model archive"),
        (lambda data, tmp: _rewrite(io.BytesIO(data), {"model.keras": _lambda_model_bytes(tmp)}),
         "could not be loaded in safe mode"),
    ],
    ids=["random-bytes", "truncated-half", "truncated-end", "missing-member", "bad-json",
         "wrong-header", "class-not-allowed", "unknown-attribute", "unknown-parameter",
         "model-not-zip", "lambda-layer"],
)
def test_corrupt_files_are_rejected(saved_lstm, corrupt, reason, tmp_path):
    with pytest.raises(ValueError, match=f"not a valid sknn_text file.*{reason}"):
        sknn_text.load(corrupt(saved_lstm, tmp_path))


def test_load_is_public_api():
    assert "load" in sknn_text.__all__
    assert sknn_text.load.__module__ == "sknn_text._saving.io"


RELEASE_0_1_0 = Path(__file__).parent / "data" / "release_0_1_0"


def assert_same_predictions(actual, expected):
    """Equal up to one float32 rounding step on TensorFlow, which made the files:
    predictions now pad each batch to a multiple of 32 rows, and 0.1.0 ran the
    leftover rows of its batch through other kernels (2 of the 7 files differ,
    by at most 1.4e-7 relative). Other backends compute the same network with
    their own kernels."""
    if keras.backend.backend() == "tensorflow":
        np.testing.assert_allclose(actual, expected, rtol=5e-7, atol=0)
    else:
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "name", sorted(p.stem for p in RELEASE_0_1_0.glob("*.sknn") if "tokenizer" not in p.stem)
)
def test_files_saved_by_release_0_1_0_load_and_predict_the_same(name):
    estimator = sknn_text.load(RELEASE_0_1_0 / f"{name}.sknn")
    X = np.load(RELEASE_0_1_0 / f"{name}.X.npy")
    expected = np.load(RELEASE_0_1_0 / f"{name}.expected.npy")
    predict = getattr(estimator, "predict_proba", estimator.predict)
    assert_same_predictions(predict(X), expected)


def test_tokenizer_and_pickles_of_release_0_1_0_load():
    tokenizer = sknn_text.load(RELEASE_0_1_0 / "text_tokenizer.sknn")
    assert tokenizer.transform(["a great film"]).tolist() == [[2, 3, 6]]
    for name in ("mlp_classifier", "gru_regressor"):
        estimator = joblib.load(RELEASE_0_1_0 / f"{name}.joblib")  # made by 0.1.0
        X = np.load(RELEASE_0_1_0 / f"{name}.X.npy")
        expected = np.load(RELEASE_0_1_0 / f"{name}.expected.npy")
        predict = getattr(estimator, "predict_proba", estimator.predict)
        assert_same_predictions(predict(X), expected)
