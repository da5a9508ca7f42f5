"""Fitted estimators meet skops and MLflow: the pickled state is plain data.

An estimator's pickled state holds its network as the bytes of a ``.keras``
file, loaded back with ``safe_mode=True``; ``skops.io`` then round-trips
estimators and pipelines with only sknn_text's classes as trusted types, and
MLflow's scikit-learn flavour, which saves with skops by default, logs and
loads them. Pickle and joblib (also in a fresh process, also files of 0.1.0)
are covered in test_persistence.py.
"""

import pickle

import keras
import numpy as np
import pytest
import skops.io
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline

import sknn_text
from sknn_text import (
    GRURegressor,
    LSTMTextClassifier,
    MLPTextClassifier,
    TextTokenizer,
    WordVectors,
)

TEXTS = ["a good film", "a bad film", "great acting", "dull plot", "good plot", "bad acting"] * 6
LABELS = np.array(["pos", "neg", "pos", "neg", "pos", "neg"] * 6)


def full_name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def skops_round_trip(obj):
    data = skops.io.dumps(obj)
    untrusted = skops.io.get_untrusted_types(data=data)
    assert set(untrusted) <= set(sknn_text.skops_trusted_types()), untrusted
    return skops.io.loads(data, trusted=sknn_text.skops_trusted_types()), untrusted


@pytest.fixture(scope="module")
def pipelines():
    return {
        "tokenizer-lstm": make_pipeline(
            TextTokenizer(max_tokens=20),
            LSTMTextClassifier(units=3, embedding_dim=4, epochs=1, random_state=0),
        ).fit(TEXTS, LABELS),
        "tfidf-mlp": make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2)),
            MLPTextClassifier((4,), epochs=1, random_state=0),
        ).fit(TEXTS, LABELS),
    }


def test_pickled_state_holds_the_network_as_keras_bytes(tiny_classifiers):
    estimator, X = tiny_classifiers["transformer"]
    state = estimator.__getstate__()
    assert isinstance(state["model_"], bytes) and state["model_"][:2] == b"PK"
    assert isinstance(vars(estimator)["model_"], keras.Model)  # the estimator is untouched
    restored = pickle.loads(pickle.dumps(estimator))
    np.testing.assert_array_equal(restored.predict_proba(X), estimator.predict_proba(X))


@pytest.mark.parametrize(
    "family", ["mlp", "simple_rnn", "lstm", "gru", "cnn", "transformer", "fasttext"]
)
def test_skops_round_trips_every_family(tiny_classifiers, family):
    estimator, X = tiny_classifiers[family]
    loaded, untrusted = skops_round_trip(estimator)
    assert untrusted == [full_name(type(estimator))]
    np.testing.assert_array_equal(loaded.predict_proba(X), estimator.predict_proba(X))
    if family == "lstm":  # the loaded network trains on, optimizer state included
        assert int(keras.ops.convert_to_numpy(loaded.model_.optimizer.iterations)) > 0
        loaded.set_params(warm_start=True, epochs=1).fit(X, np.arange(len(X)) % 3)
        assert loaded.n_iter_ == 2


def test_skops_round_trips_pipelines(pipelines, tmp_path):
    for name, pipeline in pipelines.items():
        skops.io.dump(pipeline, tmp_path / f"{name}.skops")
        trusted = skops.io.get_untrusted_types(file=tmp_path / f"{name}.skops")
        assert all(entry.startswith("sknn_text.") for entry in trusted), trusted
        loaded = skops.io.load(tmp_path / f"{name}.skops", trusted=trusted)
        np.testing.assert_array_equal(
            loaded.predict_proba(TEXTS), pipeline.predict_proba(TEXTS), err_msg=name
        )


def test_skops_keeps_optimizer_instances_random_states_and_word_vectors():
    rng = np.random.RandomState(0)
    series = rng.normal(size=(30, 5, 2))
    regressor = GRURegressor(
        units=3,
        epochs=1,
        optimizer=keras.optimizers.SGD(0.01, momentum=0.5),
        random_state=np.random.RandomState(3),
    ).fit(series, series[:, -1, 0])
    loaded, untrusted = skops_round_trip(regressor)
    assert untrusted == [full_name(GRURegressor)]
    assert loaded.optimizer.get_config() == regressor.optimizer.get_config()
    np.testing.assert_array_equal(loaded.predict(series), regressor.predict(series))

    vectors = WordVectors(["good", "bad", "film"], rng.normal(size=(3, 4)))
    model = make_pipeline(
        TextTokenizer(vocabulary=vectors),
        LSTMTextClassifier(units=3, embeddings=vectors, epochs=1, random_state=0),
    ).fit(TEXTS, LABELS)
    loaded, untrusted = skops_round_trip(model)
    assert full_name(WordVectors) in untrusted
    np.testing.assert_array_equal(loaded.predict_proba(TEXTS), model.predict_proba(TEXTS))


def _lambda_model_bytes(tmp_path):
    inputs = keras.Input((3,))
    outputs = keras.layers.Lambda(lambda x: x * 2)(inputs)
    keras.Model(inputs, outputs).save(tmp_path / "evil.keras")
    return (tmp_path / "evil.keras").read_bytes()


def test_trusting_our_classes_runs_no_code_from_the_network(tiny_classifiers, tmp_path):
    # A crafted file: a trusted class whose network is a Lambda layer (code).
    estimator, _ = tiny_classifiers["mlp"]
    crafted = MLPTextClassifier.__new__(MLPTextClassifier)
    vars(crafted).update(estimator.__getstate__(), model_=_lambda_model_bytes(tmp_path))
    for load in (
        lambda: pickle.loads(pickle.dumps(crafted)),
        lambda: skops.io.loads(skops.io.dumps(crafted), trusted=sknn_text.skops_trusted_types()),
    ):
        with pytest.raises(ValueError, match=r"Cannot unpickle MLPTextClassifier.*safe mode"):
            load()


def test_mlflow_default_format_logs_and_loads_a_pipeline(pipelines, tmp_path, monkeypatch):
    import mlflow.sklearn  # imported here: it takes a second or two

    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # a local folder as the store
    mlflow.set_tracking_uri((tmp_path / "mlruns").as_uri())
    mlflow.set_experiment("sknn_text")
    pipeline = pipelines["tfidf-mlp"]
    with mlflow.start_run():
        info = mlflow.sklearn.log_model(
            pipeline,
            name="model",
            skops_trusted_types=sknn_text.skops_trusted_types(),
            # Stated, not inferred: inferring them loads the model in a fresh
            # Python (a TensorFlow import, some 7 s) and never fails a log.
            pip_requirements=[f"sknn_text=={sknn_text.__version__}"],
        )
    assert info.flavors["sklearn"]["serialization_format"] == "skops"  # MLflow's default
    # Some MLflow 3 releases ask for an opt-in before they load any model, skops too.
    variables = mlflow.environment_variables
    opt_in = (
        "MLFLOW_ALLOW_MODEL_CODE_EXECUTION"
        if hasattr(variables, "MLFLOW_ALLOW_MODEL_CODE_EXECUTION")
        else "MLFLOW_ALLOW_PICKLE_DESERIALIZATION"
    )
    monkeypatch.setenv(opt_in, "true")
    loaded = mlflow.sklearn.load_model(info.model_uri)
    np.testing.assert_array_equal(loaded.predict_proba(TEXTS), pipeline.predict_proba(TEXTS))
    served = mlflow.pyfunc.load_model(info.model_uri)
    np.testing.assert_array_equal(served.predict(TEXTS), pipeline.predict(TEXTS))


def test_skops_trusted_types_are_our_classes():
    names = sknn_text.skops_trusted_types()
    assert full_name(MLPTextClassifier) in names and full_name(TextTokenizer) in names
    assert all(name.startswith("sknn_text.") for name in names)
    assert "skops_trusted_types" in sknn_text.__all__
