"""Bad input gets a clear error that names the problem, and nothing is half-fitted.

Every case expects a ``ValueError`` or ``TypeError`` (or ``NotFittedError``) whose
message names the parameter, the row or the column at fault: never a TensorFlow
error, an ``IndexError`` or an ``AttributeError`` from deep inside. After the
error the estimator holds exactly the attributes it held before.
"""

import functools

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from sknn_text import (
    CNNTextClassifier,
    FastTextClassifier,
    GRURegressor,
    LSTMTextClassifier,
    LSTMTextRegressor,
    MLPTextClassifier,
    MLPTextRegressor,
    TextTokenizer,
    TransformerTextRegressor,
    WordVectors,
)

RNG = np.random.RandomState(0)
X = RNG.normal(size=(30, 4))
Y = np.array([0, 1, 2] * 10)
TOKENS = RNG.randint(1, 10, size=(30, 5))
BINARY = np.array([0, 1] * 15)
DOCS = ["the cat sat", "a dog ran", "the dog sat"]


def mlp(**params):
    return MLPTextClassifier(**{"hidden_layer_sizes": (3,), "epochs": 1, **params})


def mlp_regressor(**params):
    return MLPTextRegressor(**{"hidden_layer_sizes": (3,), "epochs": 1, **params})


def lstm(**params):
    return LSTMTextClassifier(**{"units": 3, "embedding_dim": 3, "epochs": 1, **params})


def cnn(**params):
    return CNNTextClassifier(**{"filters": 2, "embedding_dim": 3, "epochs": 1, **params})


def transformer(**params):
    return TransformerTextRegressor(
        **{"num_heads": 1, "feedforward_dim": 4, "embedding_dim": 4, "epochs": 1, **params}
    )


def fasttext(**params):
    return FastTextClassifier(**{"embedding_dim": 3, "epochs": 1, **params})


VECTORS = WordVectors(["cat", "dog"], [[1.0, 0.0], [0.0, 1.0]])


@functools.cache
def fitted(kind):
    """One fitted estimator per kind, shared by the cases (they must not change it)."""
    if kind == "mlp":
        return mlp(random_state=0).fit(X, Y)
    if kind == "lstm":
        return lstm(random_state=0).fit(TOKENS, BINARY)
    if kind == "series":
        return GRURegressor(units=3, epochs=1, random_state=0).fit(
            X[:, :, None].repeat(2, axis=2), X[:, 0]
        )
    if kind == "partial":
        return mlp(random_state=0).partial_fit(X, Y, classes=[0, 1, 2])
    if kind == "tokenizer":
        return TextTokenizer().fit(DOCS)
    if kind == "cnn":
        return cnn(random_state=0).fit(TOKENS, BINARY)
    if kind == "transformer":
        return transformer(random_state=0).fit(TOKENS, X[:, 0])
    if kind == "fasttext-features":
        return fasttext(random_state=0).fit(np.abs(X), BINARY)
    raise KeyError(kind)


def with_nan(array):
    array = array.copy()
    array[3, 1] = np.nan
    return array


def with_inf(array):
    array = array.copy()
    array[3] = np.inf
    return array


CASES = [
    # ------------------------------------------------------------ tokenizer
    ("tokenizer-none-in-list", lambda: TextTokenizer(), lambda t: t.fit(["ok", None]),
     ValueError, r"Document 1 is missing \(None\)"),
    ("tokenizer-nan-in-list", lambda: TextTokenizer(),
     lambda t: t.fit(["ok", "fine", float("nan")]), ValueError, "Document 2 is missing"),
    ("tokenizer-pandas-missing", lambda: TextTokenizer(),
     lambda t: t.fit(pd.Series(["ok", None], dtype="string")), ValueError,
     "Document 1 is missing"),
    ("tokenizer-bytes", lambda: TextTokenizer(), lambda t: t.fit([b"raw bytes"]),
     TypeError, "Document 0 is bytes; decode it"),
    ("tokenizer-non-string", lambda: TextTokenizer(), lambda t: t.fit(["ok", 3]),
     TypeError, "Document 1 is a int"),
    ("tokenizer-nested-list", lambda: TextTokenizer(), lambda t: t.fit([["a", "b"]]),
     TypeError, "Document 0 is a list"),
    ("tokenizer-single-string", lambda: TextTokenizer(), lambda t: t.fit("one document"),
     ValueError, "string object received"),
    ("tokenizer-not-iterable", lambda: TextTokenizer(), lambda t: t.fit(5),
     TypeError, "iterable of strings, got int"),
    ("tokenizer-empty-corpus", lambda: TextTokenizer(), lambda t: t.fit([]),
     ValueError, "corpus is empty"),
    ("tokenizer-2d-array", lambda: TextTokenizer(), lambda t: t.fit(np.array([["a"], ["b"]])),
     ValueError, "1-D sequence"),
    ("tokenizer-all-empty", lambda: TextTokenizer(), lambda t: t.fit(["", "  ", "!?"]),
     ValueError, "vocabulary is empty"),
    ("tokenizer-stop-words-only", lambda: TextTokenizer(stop_words="english"),
     lambda t: t.fit(["the a of", "and the"]), ValueError, "vocabulary is empty"),
    ("tokenizer-min-df-too-high", lambda: TextTokenizer(min_df=5), lambda t: t.fit(DOCS),
     ValueError, "vocabulary is empty: no token passed min_df"),
    ("tokenizer-bad-ngram-range", lambda: TextTokenizer(ngram_range=(2, 1)),
     lambda t: t.fit(DOCS), ValueError, "ngram_range"),
    ("tokenizer-bad-token-pattern", lambda: TextTokenizer(token_pattern="(unclosed"),
     lambda t: t.fit(DOCS), ValueError, "token_pattern="),
    ("tokenizer-max-tokens", lambda: TextTokenizer(max_tokens=1), lambda t: t.fit(DOCS),
     ValueError, "max_tokens"),
    ("tokenizer-transform-before-fit", lambda: TextTokenizer(),
     lambda t: t.transform(DOCS), NotFittedError, "not fitted"),
    ("tokenizer-transform-missing", lambda: fitted("tokenizer"),
     lambda t: t.transform(["cat", None]), ValueError, "Document 1 is missing"),
    ("tokenizer-transform-single-string", lambda: fitted("tokenizer"),
     lambda t: t.transform("the cat"), ValueError, "string object received"),
    ("tokenizer-inverse-id-too-large", lambda: fitted("tokenizer"),
     lambda t: t.inverse_transform([[2, 999]]), ValueError,
     r"token id 999 \(row 0, column 1\), outside"),
    ("tokenizer-inverse-negative-id", lambda: fitted("tokenizer"),
     lambda t: t.inverse_transform([[2, 3], [-1, 0]]), ValueError,
     r"token id -1 \(row 1, column 0\)"),
    ("tokenizer-inverse-floats", lambda: fitted("tokenizer"),
     lambda t: t.inverse_transform([[2.5]]), ValueError, "integer token ids"),
    # ------------------------------------------------------- samples and y
    ("one-sample", lambda: mlp(), lambda e: e.fit(X[:1], Y[:1]),
     ValueError, "only one class"),
    ("one-class", lambda: mlp(), lambda e: e.fit(X, np.zeros(30)),
     ValueError, "only one class"),
    ("no-sample", lambda: mlp(), lambda e: e.fit(X[:0], Y[:0]),
     ValueError, "0 sample"),
    ("one-sample-early-stopping", lambda: mlp_regressor(early_stopping=True),
     lambda e: e.fit(X[:1], [1.0]), ValueError, "validation_fraction=0.1 leaves no"),
    ("y-length-mismatch", lambda: mlp(), lambda e: e.fit(X, Y[:-1]),
     ValueError, r"inconsistent numbers of samples: \[30, 29\]"),
    ("y-none", lambda: mlp(), lambda e: e.fit(X, None), ValueError, "requires y"),
    ("y-missing-label", lambda: mlp(),
     lambda e: e.fit(X, np.array(["a", "b", None] * 10, dtype=object)),
     ValueError, r"missing label \(None\) at row 2"),
    ("y-mixed-labels", lambda: mlp(),
     lambda e: e.fit(X, np.array([1, "b", "c"] * 10, dtype=object)),
     TypeError, "mixes strings and numbers"),
    ("y-3d-classifier", lambda: mlp(), lambda e: e.fit(X, np.ones((30, 1, 1))),
     ValueError, r"y must be 1-D .* shape \(30, 1, 1\)"),
    ("y-continuous-classifier", lambda: mlp(), lambda e: e.fit(X, X[:, 0]),
     ValueError, "Unknown label type: continuous"),
    ("regressor-y-nan", lambda: mlp_regressor(), lambda e: e.fit(X, with_nan(X)[:, 1]),
     ValueError, "Input y contains NaN"),
    ("regressor-y-inf", lambda: mlp_regressor(), lambda e: e.fit(X, with_inf(X)[:, 0]),
     ValueError, "Input y contains infinity"),
    ("regressor-y-strings", lambda: mlp_regressor(),
     lambda e: e.fit(X, np.array(["1.5", "high"] * 15)), ValueError,
     "numeric target, but y holds 'high' at row 1"),
    ("recurrent-regressor-y-nan", lambda: LSTMTextRegressor(units=3, epochs=1),
     lambda e: e.fit(TOKENS, with_nan(X)[:, 1]), ValueError, "Input y contains NaN"),
    ("sample-weight-length", lambda: mlp(),
     lambda e: e.fit(X, Y, sample_weight=np.ones(5)), ValueError, "sample_weight"),
    ("sample-weight-all-zero", lambda: mlp(),
     lambda e: e.fit(X, Y, sample_weight=np.zeros(30)), ValueError,
     "Sample weights must contain at least one non-zero"),
    # ------------------------------------------------------------------- X
    ("X-nan", lambda: mlp(), lambda e: e.fit(with_nan(X), Y),
     ValueError, "Input X contains NaN"),
    ("X-inf", lambda: mlp(), lambda e: e.fit(with_inf(X), Y),
     ValueError, "Input X contains infinity"),
    ("X-none", lambda: mlp(), lambda e: e.fit(None, Y), ValueError, "got None"),
    ("X-non-numeric-cell", lambda: mlp(),
     lambda e: e.fit(np.array([[1.0, "a"], [2.0, 3.0]] * 15, dtype=object), Y),
     ValueError, r"'a' at row 0, column 1"),
    ("X-non-numeric-column", lambda: mlp(),
     lambda e: e.fit(pd.DataFrame({"size": X[:, 0], "label": ["x"] * 30}), Y),
     ValueError, r"'x' at row 0, column 'label'"),
    ("X-raw-text-to-mlp", lambda: mlp(), lambda e: e.fit([None] + DOCS * 9 + DOCS[:2], Y),
     TypeError, r"make_pipeline\(TfidfVectorizer\(\), MLPTextClassifier\(\)\)"),
    ("X-bytes-to-lstm", lambda: lstm(), lambda e: e.fit([b"a", b"b"] * 15, BINARY),
     TypeError, r"make_pipeline\(TextTokenizer\(\), LSTMTextClassifier\(\)\)"),
    ("X-3d-to-mlp", lambda: mlp(), lambda e: e.fit(X.reshape(30, 2, 2), Y),
     ValueError, r"2-D matrix of features, but X is 3-D with shape \(30, 2, 2\)"),
    ("X-1d-to-mlp", lambda: mlp(), lambda e: e.fit(X[:, 0], Y),
     ValueError, "Expected 2D array, got 1D array"),
    ("X-1d-to-lstm", lambda: lstm(), lambda e: e.fit(TOKENS[:, 0], BINARY),
     ValueError, "Expected 2D array, got 1D array"),
    ("X-4d-to-lstm", lambda: lstm(), lambda e: e.fit(np.ones((30, 2, 2, 2)), BINARY),
     ValueError, "2-D or 3-D array, got 4 dimensions"),
    ("X-negative-token-id", lambda: lstm(), lambda e: e.fit(TOKENS - 5, BINARY),
     ValueError, r"negative token id -4 \(row 0\)"),
    ("X-token-id-beyond-int32", lambda: lstm(),
     lambda e: e.fit(np.where(TOKENS == 9, 2**40, TOKENS), BINARY),
     ValueError, "token id 1099511627776 .* at most 2147483646"),
    # ----------------------------------------------------- predict-time X
    ("predict-wrong-n-features", lambda: fitted("mlp"), lambda e: e.predict(X[:, :3]),
     ValueError, "X has 3 features, but MLPTextClassifier is expecting 4"),
    ("predict-nan", lambda: fitted("mlp"), lambda e: e.predict_proba(with_nan(X)),
     ValueError, "Input X contains NaN"),
    ("predict-1d", lambda: fitted("mlp"), lambda e: e.predict(X[0]),
     ValueError, "Expected 2D array"),
    ("predict-token-id-too-large", lambda: fitted("lstm"),
     lambda e: e.predict(np.where(TOKENS == 9, 100, TOKENS)),
     ValueError, r"token id 100, outside the range \[0, 9\] seen in fit"),
    ("predict-negative-token-id", lambda: fitted("lstm"), lambda e: e.predict(-TOKENS),
     ValueError, "token id -9, outside"),
    ("predict-float-token-ids", lambda: fitted("lstm"), lambda e: e.predict(TOKENS + 0.5),
     ValueError, "fitted on integer token ids; X contains non-integer values"),
    ("predict-wrong-channels", lambda: fitted("series"),
     lambda e: e.predict(np.ones((2, 4, 3))), ValueError,
     r"3 channel\(s\) per time step, but GRUTextRegressor was fitted with 2"),
    ("predict-before-fit-mlp", lambda: mlp(), lambda e: e.predict(X),
     NotFittedError, "MLPTextClassifier instance is not fitted yet"),
    ("predict-before-fit-lstm", lambda: lstm(), lambda e: e.predict_proba(TOKENS),
     NotFittedError, "LSTMTextClassifier instance is not fitted yet"),
    ("predict-before-fit-regressor", lambda: mlp_regressor(), lambda e: e.predict(X),
     NotFittedError, "not fitted yet"),
    # ----------------------------------------------------------- parameters
    ("negative-units", lambda: lstm(units=-3), lambda e: e.fit(TOKENS, BINARY),
     ValueError, "'units' parameter"),
    ("negative-units-in-tuple", lambda: lstm(units=(4, -1)), lambda e: e.fit(TOKENS, BINARY),
     ValueError, r"units must be a positive int .* got \(4, -1\)"),
    ("zero-hidden-units", lambda: mlp(hidden_layer_sizes=(10, 0)), lambda e: e.fit(X, Y),
     ValueError, "hidden_layer_sizes"),
    ("zero-embedding-dim", lambda: lstm(embedding_dim=0), lambda e: e.fit(TOKENS, BINARY),
     ValueError, "'embedding_dim' parameter"),
    ("dropout-one", lambda: mlp(dropout=1.0), lambda e: e.fit(X, Y),
     ValueError, "'dropout' parameter"),
    ("recurrent-dropout-one", lambda: lstm(recurrent_dropout=1.0),
     lambda e: e.fit(TOKENS, BINARY), ValueError, "'recurrent_dropout' parameter"),
    ("unknown-optimizer", lambda: mlp(optimizer="lbfgs"), lambda e: e.fit(X, Y),
     ValueError, "'optimizer' parameter"),
    ("unknown-activation", lambda: mlp(activation="softplus"), lambda e: e.fit(X, Y),
     ValueError, "'activation' parameter"),
    ("unknown-pooling", lambda: lstm(pooling="median"), lambda e: e.fit(TOKENS, BINARY),
     ValueError, "'pooling' parameter"),
    ("validation-fraction-above-one", lambda: mlp(validation_fraction=1.5),
     lambda e: e.fit(X, Y), ValueError, "'validation_fraction' parameter"),
    ("validation-fraction-zero", lambda: mlp(validation_fraction=0.0),
     lambda e: e.fit(X, Y), ValueError, "'validation_fraction' parameter"),
    ("zero-learning-rate", lambda: mlp(learning_rate=0), lambda e: e.fit(X, Y),
     ValueError, "'learning_rate' parameter"),
    ("zero-epochs", lambda: mlp(epochs=0), lambda e: e.fit(X, Y),
     ValueError, "'epochs' parameter"),
    ("unknown-class-weight", lambda: mlp(class_weight="equal"), lambda e: e.fit(X, Y),
     ValueError, "'class_weight' parameter"),
    ("callback-not-a-callback", lambda: mlp(callbacks=[print]), lambda e: e.fit(X, Y),
     TypeError, r"callbacks\[0\] is a builtin_function_or_method"),
    # ------------------------------------------- CNN, Transformer, fastText
    ("cnn-raw-text", lambda: cnn(), lambda e: e.fit(DOCS * 10, BINARY),
     TypeError, r"raw text documents. Put a TextTokenizer in front"),
    ("cnn-zero-kernel-size", lambda: cnn(kernel_sizes=(3, 0)),
     lambda e: e.fit(TOKENS, BINARY), ValueError, r"kernel_sizes must be a positive int"),
    ("cnn-zero-filters", lambda: cnn(filters=0), lambda e: e.fit(TOKENS, BINARY),
     ValueError, "'filters' parameter"),
    ("cnn-predict-token-id-too-large", lambda: fitted("cnn"),
     lambda e: e.predict(np.where(TOKENS == 9, 50, TOKENS)), ValueError,
     r"token id 50, outside the range \[0, 9\] seen in fit"),
    ("transformer-zero-heads", lambda: transformer(num_heads=0),
     lambda e: e.fit(TOKENS, X[:, 0]), ValueError, "'num_heads' parameter"),
    ("transformer-zero-blocks", lambda: transformer(n_blocks=0),
     lambda e: e.fit(TOKENS, X[:, 0]), ValueError, "'n_blocks' parameter"),
    ("transformer-longer-sequences-at-predict", lambda: fitted("transformer"),
     lambda e: e.predict(np.ones((2, 9), dtype=int)), ValueError,
     "X has 9 features, but TransformerTextRegressor is expecting 5"),
    ("fasttext-3d", lambda: fasttext(), lambda e: e.fit(np.ones((30, 2, 2)), BINARY),
     ValueError, "2-D array of token ids or features, but X is 3-D"),
    ("fasttext-features-then-tokens", lambda: fitted("fasttext-features"),
     lambda e: e.predict(TOKENS[:, :3]), ValueError,
     "X has 3 features, but FastTextClassifier is expecting 4"),
    ("embeddings-not-vectors", lambda: lstm(embeddings=np.eye(3)),
     lambda e: e.fit(TOKENS, BINARY), TypeError, "WordVectors object"),
    ("embeddings-ids-beyond-vectors", lambda: lstm(embeddings=VECTORS),
     lambda e: e.fit(TOKENS, BINARY), ValueError,
     r"token id 9, but the pretrained embeddings cover ids 0 to 3"),
    ("embeddings-with-series", lambda: cnn(embeddings=VECTORS),
     lambda e: e.fit(X, BINARY), ValueError, "embeddings but numeric"),
    ("embeddings-with-features", lambda: fasttext(embeddings=VECTORS),
     lambda e: e.fit(np.abs(X), BINARY), ValueError,
     "embeddings but a document-feature matrix"),
    ("tokenizer-buckets-without-ngrams", lambda: TextTokenizer(ngram_buckets=8),
     lambda t: t.fit(DOCS), ValueError, r"set ngram_range=\(1, 2\)"),
    ("tokenizer-buckets-with-char-analyzer",
     lambda: TextTokenizer(ngram_buckets=8, analyzer="char", ngram_range=(1, 2)),
     lambda t: t.fit(DOCS), ValueError, "needs analyzer='word'"),
    ("tokenizer-zero-buckets", lambda: TextTokenizer(ngram_buckets=0),
     lambda t: t.fit(DOCS), ValueError, "'ngram_buckets' parameter"),
    ("tokenizer-vocabulary-dict", lambda: TextTokenizer(vocabulary={"cat": 2}),
     lambda t: t.fit(DOCS), TypeError, "vocabulary must be a sequence of tokens"),
    # ----------------------------------------------------------- partial_fit
    ("partial-fit-without-classes", lambda: mlp(), lambda e: e.partial_fit(X, Y),
     ValueError, "classes must be passed on the first call"),
    ("partial-fit-labels-outside-classes", lambda: mlp(),
     lambda e: e.partial_fit(X, Y, classes=[0, 1]), ValueError,
     r"labels \[2\] that are not in classes"),
    ("partial-fit-new-classes", lambda: fitted("partial"),
     lambda e: e.partial_fit(X, Y + 3), ValueError, r"new labels \[3, 4, 5\]"),
    ("partial-fit-new-n-features", lambda: fitted("partial"),
     lambda e: e.partial_fit(X[:, :2], Y), ValueError, "X has 2 features"),
]


@pytest.mark.parametrize(
    "make, call, error, message", [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_named_and_changes_nothing(make, call, error, message):
    estimator = make()
    before = dict(vars(estimator))
    with pytest.raises(error, match=message) as caught:
        call(estimator)
    assert isinstance(caught.value, (ValueError, TypeError)), type(caught.value)
    assert not type(caught.value).__module__.startswith(("tensorflow", "keras"))
    assert not isinstance(caught.value, (IndexError, KeyError))
    after = vars(estimator)
    assert after.keys() == before.keys()
    assert all(after[name] is value for name, value in before.items())


def test_enough_cases():
    assert len(CASES) >= 30
    assert len({case[0] for case in CASES}) == len(CASES)


@pytest.mark.parametrize(
    "bad_fit",
    [
        lambda e: e.fit(X, np.zeros(30)),  # one class
        lambda e: e.fit(with_nan(X), Y),  # NaN in X
        lambda e: e.fit(X[:, :2], np.array(["x", "y"] * 15, dtype=object)[:-1]),
        lambda e: e.fit(X * 1e39, Y),  # NaN loss (inf in float32, on any backend)
    ],
    ids=["one-class", "nan-X", "length-mismatch", "nan-loss"],
)
def test_failed_fit_keeps_the_fitted_estimator(bad_fit):
    clf = mlp(epochs=2, random_state=0).fit(X, Y)
    params = clf.get_params()
    before = dict(vars(clf))
    weights = [w.copy() for w in clf.model_.get_weights()]
    expected = clf.predict_proba(X)
    with pytest.raises(ValueError):
        bad_fit(clf)
    assert clf.get_params() == params
    assert vars(clf).keys() == before.keys()
    assert all(vars(clf)[name] is value for name, value in before.items())
    for now, then in zip(clf.model_.get_weights(), weights, strict=False):
        np.testing.assert_array_equal(now, then)
    np.testing.assert_array_equal(clf.predict_proba(X), expected)
