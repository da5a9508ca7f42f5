"""``sknn_text.save`` / ``sknn_text.load``: whole pipelines as data, and files for prediction."""

import io
import json
import zipfile

import numpy as np
import pytest
from sklearn.feature_extraction.text import (
    CountVectorizer,
    HashingVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
)
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import Normalizer

import sknn_text
from sknn_text import (
    FastTextClassifier,
    GRUTextClassifier,
    MLPTextClassifier,
    MLPTextRegressor,
    TextTokenizer,
)

TEXTS = [
    "a good film", "a bad film", "great acting, good plot", "dull plot and bad acting",
    "good good fun", "not good at all", "bad but fun", "a great great film",
] * 5
LABELS = np.array([1, 0, 1, 0, 1, 0, 0, 1] * 5)
TINY = {"epochs": 1, "random_state": 0}

PIPELINES = {
    "tokenizer-gru": lambda: make_pipeline(
        TextTokenizer(max_tokens=30, sequence_length=6), GRUTextClassifier(units=3, **TINY)
    ),
    "tfidf-bigrams-mlp": lambda: make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32),
        MLPTextClassifier((4,), **TINY),
    ),
    "counts-idf-normalizer-passthrough-regressor": lambda: Pipeline([
        ("counts", CountVectorizer(max_features=20, stop_words=["a", "and"])),
        ("idf", TfidfTransformer(use_idf=True)),
        ("norm", Normalizer(norm="l1")),
        ("nothing", "passthrough"),
        ("net", MLPTextRegressor((3,), **TINY)),
    ]),
    "hashing-fasttext": lambda: make_pipeline(
        HashingVectorizer(n_features=64, alternate_sign=False), FastTextClassifier(**TINY)
    ),
    "hashed-bigram-ids-fasttext": lambda: make_pipeline(
        TextTokenizer(ngram_range=(1, 2), ngram_buckets=16), FastTextClassifier(**TINY)
    ),
}


def output(model):
    return model.predict_proba(TEXTS) if hasattr(model, "predict_proba") else model.predict(TEXTS)


def saved(model, **options):
    buffer = io.BytesIO()
    sknn_text.save(model, buffer, **options)
    buffer.seek(0)
    return buffer


@pytest.fixture(scope="module")
def fitted():
    return {name: make().fit(TEXTS, LABELS) for name, make in PIPELINES.items()}


@pytest.mark.parametrize("name", PIPELINES)
def test_pipelines_round_trip(fitted, name, tmp_path):
    pipeline = fitted[name]
    sknn_text.save(pipeline, tmp_path / "model.sknn")
    loaded = sknn_text.load(tmp_path / "model.sknn")
    assert isinstance(loaded, Pipeline)
    assert [step for step, _ in loaded.steps] == [step for step, _ in pipeline.steps]
    for (_, original), (_, rebuilt) in zip(pipeline.steps, loaded.steps, strict=True):
        assert type(rebuilt) is type(original)
        if original != "passthrough":
            assert repr(rebuilt.get_params(deep=False)) == repr(original.get_params(deep=False))
    np.testing.assert_array_equal(output(loaded), output(pipeline))


def test_file_is_data_only(fitted):
    with zipfile.ZipFile(saved(fitted["tfidf-bigrams-mlp"])) as archive:
        assert sorted(archive.namelist()) == [
            "sknn_text.json", "steps/0/fitted.json", "steps/0/params.json",
            "steps/1/fitted.json", "steps/1/model.keras", "steps/1/params.json",
        ]
        header = json.loads(archive.read("sknn_text.json"))
        fitted_tfidf = json.loads(archive.read("steps/0/fitted.json"))
    assert header["format_version"] == 2 and header["include_optimizer"] is True
    assert header["pipeline"]["steps"] == [
        ["tfidfvectorizer", "TfidfVectorizer"], ["mlptextclassifier", "MLPTextClassifier"],
    ]
    # The vocabulary and the IDF weights are stored as JSON, as data.
    assert {"vocabulary_", "fixed_vocabulary_", "_tfidf"} == set(fitted_tfidf)
    assert fitted_tfidf["_tfidf"]["__sklearn_step__"]["class"] == "TfidfTransformer"


def test_unfitted_pipeline_and_single_sklearn_steps_round_trip(fitted):
    unfitted = PIPELINES["tokenizer-gru"]()
    loaded = sknn_text.load(saved(unfitted))
    assert repr(loaded) == repr(unfitted)
    vectorizer = fitted["tfidf-bigrams-mlp"][0]
    restored = sknn_text.load(saved(vectorizer))
    assert (restored.transform(TEXTS) != vectorizer.transform(TEXTS)).nnz == 0


@pytest.mark.parametrize(
    "pipeline, error, message",
    [
        (make_pipeline(TfidfVectorizer(), LogisticRegression()), TypeError,
         r"LogisticRegression \(the pipeline step 'logisticregression'\)"),
        (make_pipeline(make_pipeline(TfidfVectorizer()), MLPTextClassifier()), TypeError,
         r"Pipeline \(the pipeline step 'pipeline'\)"),
        (make_pipeline(TfidfVectorizer(tokenizer=str.split), MLPTextClassifier()), ValueError,
         r"parameter 'tokenizer': it holds an object of type method_descriptor"),
        (make_pipeline(CountVectorizer(preprocessor=lambda text: text.lower()),
                       MLPTextClassifier()), ValueError, "parameter 'preprocessor'"),
    ],
    ids=["other-estimator", "nested-pipeline", "tokenizer-function", "preprocessor-lambda"],
)
def test_save_refuses_what_it_cannot_store(pipeline, error, message):
    with pytest.raises(error, match=message):
        sknn_text.save(pipeline, io.BytesIO())


def _rewrite(source, member, data):
    target = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            new.writestr(name, data if name == member else old.read(name))
    target.seek(0)
    return target


def _with_header(source, change):
    with zipfile.ZipFile(source) as archive:
        header = json.loads(archive.read("sknn_text.json"))
    change(header)
    source.seek(0)
    return _rewrite(source, "sknn_text.json", json.dumps(header))


@pytest.mark.parametrize(
    "corrupt, reason",
    [
        (lambda f: _with_header(f, lambda h: h["pipeline"]["steps"][0].__setitem__(
            1, "FunctionTransformer")), "'FunctionTransformer' is not a class that the "
         "sknn_text format stores"),
        (lambda f: _rewrite(f, "steps/0/fitted.json", json.dumps(
            {"_tfidf": {"__sklearn_step__": {"class": "LogisticRegression",
                                             "params": {"__dict__": []},
                                             "fitted": {"__dict__": []}}}})),
         "'LogisticRegression' is not a scikit-learn step that sknn_text stores"),
        (lambda f: _rewrite(f, "steps/0/params.json", json.dumps(
            {"tokenizer": {"__function__": "os.system"}})), "unknown entry"),
        (lambda f: _rewrite(f, "steps/0/fitted.json", json.dumps({"transform": 1})),
         r"unknown fitted attributes \['transform'\]"),
        (lambda f: _with_header(f, lambda h: h.__setitem__("format_version", 3)),
         "reads versions 1 and 2"),
    ],
    ids=["class-not-allowed", "nested-class-not-allowed", "function", "attribute", "version"],
)
def test_load_refuses_crafted_pipeline_files(fitted, corrupt, reason):
    with pytest.raises(ValueError, match=f"not a valid sknn_text file.*{reason}"):
        sknn_text.load(corrupt(saved(fitted["tfidf-bigrams-mlp"])))


# ------------------------------------------------------- files for prediction
def _model_bytes(buffer, member="model.keras"):
    with zipfile.ZipFile(buffer) as archive:
        return len(archive.read(member))


def test_without_optimizer_state_a_file_is_the_size_of_the_weights():
    rng = np.random.RandomState(0)
    X, y = rng.uniform(size=(64, 1500)).astype(np.float32), np.arange(64) % 2
    clf = MLPTextClassifier((64, 32), epochs=1, random_state=0).fit(X, y)
    weights = sum(w.nbytes for w in clf.model_.get_weights())
    full, lean = io.BytesIO(), io.BytesIO()
    clf.save(full)
    clf.save(lean, include_optimizer=False)
    # Adam keeps two moments per weight: the full network is about 3x its weights.
    assert 2.9 * weights < _model_bytes(full) < 3.1 * weights
    assert weights < _model_bytes(lean) < 1.1 * weights  # plus the HDF5 layout
    lean.seek(0)
    loaded = sknn_text.load(lean)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    # Training goes on, from a fresh optimizer state.
    loaded.partial_fit(X, y)
    assert loaded.n_iter_ == 2


def test_pipeline_for_prediction_only(fitted):
    pipeline = fitted["tokenizer-gru"]
    lean = saved(pipeline, include_optimizer=False)
    full = saved(pipeline)
    assert _model_bytes(lean, "steps/1/model.keras") < _model_bytes(full, "steps/1/model.keras")
    with zipfile.ZipFile(lean) as archive:
        assert json.loads(archive.read("sknn_text.json"))["include_optimizer"] is False
    lean.seek(0)
    np.testing.assert_array_equal(output(sknn_text.load(lean)), output(pipeline))


def test_save_is_public_api():
    assert {"save", "load"} <= set(sknn_text.__all__)
    assert sknn_text.save.__module__ == "sknn_text._saving.io"
