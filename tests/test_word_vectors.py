"""Pretrained word vectors: reading files, aligning ids, frozen or fine-tuned."""

import gzip
import io
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sknn_text import (
    CNNTextClassifier,
    FastTextClassifier,
    LSTMTextClassifier,
    TextTokenizer,
    TransformerTextClassifier,
    WordVectors,
    load,
    load_word_vectors,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"

# Sentiment lives in the first coordinate of each vector; the rest is noise.
POSITIVE = ["good", "great", "superb", "fine", "lovely", "brilliant", "wonderful", "fun"]
NEGATIVE = ["bad", "awful", "poor", "dull", "boring", "weak", "terrible", "ugly"]
NEUTRAL = ["the", "film", "plot", "was", "a", "very", "acting", "story"]


def sentiment_vectors(dim=6, seed=0):
    rng = np.random.RandomState(seed)
    words = POSITIVE + NEGATIVE + NEUTRAL
    matrix = rng.normal(scale=0.3, size=(len(words), dim))
    matrix[: len(POSITIVE), 0] = 4.0
    matrix[len(POSITIVE) : len(POSITIVE) + len(NEGATIVE), 0] = -4.0
    return WordVectors(words, matrix)


def write_vectors(path, vectors, header=True):
    lines = [f"{len(vectors)} {vectors.dim}"] if header else []
    lines += [
        word + " " + " ".join(f"{value:.6f}" for value in vectors[word]) for word in vectors
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def corpus(words_pos, words_neg, n=60, seed=0):
    rng = np.random.RandomState(seed)
    texts, labels = [], []
    for i in range(n):
        label = i % 2
        sentiment = rng.choice(words_pos if label else words_neg)
        texts.append(f"the {rng.choice(NEUTRAL)} was {sentiment}")
        labels.append(label)
    return texts, np.array(labels)


# ------------------------------------------------------------------ reading
@pytest.mark.parametrize("header", [True, False])
def test_load_text_format_with_or_without_header(tmp_path, header):
    vectors = sentiment_vectors()
    path = tmp_path / "vectors.txt"
    write_vectors(path, vectors, header=header)
    loaded = load_word_vectors(path)
    assert len(loaded) == len(vectors) and loaded.dim == 6
    np.testing.assert_allclose(loaded["good"], vectors["good"], atol=1e-6)
    assert loaded.words == vectors.words


def test_load_gzip_and_max_words(tmp_path):
    vectors = sentiment_vectors()
    path = tmp_path / "vectors.txt"
    write_vectors(path, vectors)
    gz = tmp_path / "vectors.txt.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    loaded = load_word_vectors(gz, max_words=5)
    assert loaded.words == vectors.words[:5]


@pytest.mark.parametrize(
    "text, match",
    [
        ("good 1 0\nbad 1\n", "Line 2 .* 1 numbers; the first vector had 2"),
        ("good 1 x\n", "Line 1 .* not a number"),
        ("", "contains no word vectors"),
        ("good\n", "Line 1 .* no numbers"),
    ],
)
def test_bad_files_name_the_line(text, match):
    with pytest.raises(ValueError, match=match):
        load_word_vectors(io.StringIO(text))


def test_bad_sources():
    with pytest.raises(ValueError, match="No word-vector file"):
        load_word_vectors("/no/such/vectors.txt")
    with pytest.raises(TypeError, match="path, a text file object"):
        load_word_vectors(42)
    with pytest.raises(ValueError, match="max_words"):
        load_word_vectors(io.StringIO("a 1\n"), max_words=0)
    with pytest.raises(ValueError, match="one vector per word"):
        WordVectors(["a", "b"], [[1.0]])
    with pytest.raises(ValueError, match="more than once"):
        WordVectors(["a", "a"], [[1.0], [2.0]])


def test_repeated_word_keeps_first_vector_and_words_with_spaces():
    loaded = load_word_vectors(io.StringIO("a 1 2\nnew york 3 4\na 5 6\n"))
    assert loaded.words == ("a", "new york")
    assert loaded["a"].tolist() == [1.0, 2.0]


def test_vectors_are_immutable_shared_by_clone_and_pickled_by_value():
    vectors = sentiment_vectors()
    with pytest.raises(ValueError):
        vectors.matrix[0, 0] = 5.0
    estimator = LSTMTextClassifier(embeddings=vectors)
    assert clone(estimator).embeddings is vectors  # no copy per grid-search candidate
    import pickle

    assert pickle.loads(pickle.dumps(vectors)) == vectors


def test_embedding_matrix_for_a_learned_vocabulary():
    vectors = sentiment_vectors()
    tokenizer = TextTokenizer().fit(["the good film", "an unknownword"])
    matrix = vectors.embedding_matrix(tokenizer.get_vocabulary())
    vocabulary = tokenizer.get_vocabulary()
    assert matrix.shape == (len(vocabulary), 6)
    np.testing.assert_array_equal(matrix[:2], 0)
    np.testing.assert_allclose(matrix[tokenizer.vocabulary_["good"]], vectors["good"])
    np.testing.assert_array_equal(matrix[tokenizer.vocabulary_["unknownword"]], 0)


# ------------------------------------------------------------------ aligning
def test_fixed_vocabulary_ids_follow_vector_rows_and_coverage():
    vectors = sentiment_vectors()
    tokenizer = TextTokenizer(vocabulary=vectors, sequence_length=8).fit(
        ["the film was good", "zzz film"]
    )
    ids = tokenizer.transform(["the film was good zzz"])[0]
    assert ids.tolist()[:5] == [
        vectors.words.index("the") + 2,
        vectors.words.index("film") + 2,
        vectors.words.index("was") + 2,
        vectors.words.index("good") + 2,
        1,
    ]
    assert tokenizer.coverage_ == pytest.approx(4 / 5)  # zzz has no vector
    assert vectors.coverage(["good", "zzz"]) == 0.5


@pytest.mark.parametrize(
    "vocabulary, error, match",
    [
        ({"a": 2}, TypeError, "sequence of tokens"),
        (["a", "a"], ValueError, "more than once"),
        ([], ValueError, "empty"),
        (["a", 3], TypeError, "str"),
    ],
)
def test_bad_fixed_vocabulary(vocabulary, error, match):
    with pytest.raises(error, match=match):
        TextTokenizer(vocabulary=vocabulary).fit(["a b"])


def test_ids_beyond_the_vectors_and_float_input_are_refused():
    vectors = sentiment_vectors()
    X = np.array([[2, 3, 0], [len(vectors) + 2, 0, 0]])
    with pytest.raises(ValueError, match="TextTokenizer\\(vocabulary=vectors\\)"):
        LSTMTextClassifier(embeddings=vectors).fit(X, [0, 1])
    with pytest.raises(ValueError, match="integer token ids"):
        CNNTextClassifier(embeddings=vectors).fit(np.random.rand(4, 3), [0, 1, 0, 1])
    with pytest.raises(TypeError, match="WordVectors"):
        LSTMTextClassifier(embeddings=np.ones((3, 2))).fit(X[:1].repeat(2, 0), [0, 1])


# -------------------------------------------------------- frozen, fine-tuned
@pytest.mark.parametrize(
    "make",
    [
        lambda **p: LSTMTextClassifier(units=8, **p),
        lambda **p: CNNTextClassifier(filters=8, kernel_sizes=(2,), **p),
        lambda **p: TransformerTextClassifier(num_heads=2, feedforward_dim=8, **p),
        # A linear model on mean vectors: 2 steps per epoch need a bigger step.
        lambda **p: FastTextClassifier(**{**p, "learning_rate": 0.1}),
    ],
    ids=["lstm", "cnn", "transformer", "fasttext"],
)
def test_frozen_vectors_carry_sentiment_to_words_never_seen_in_training(make):
    # Training sees half of the sentiment words, the test only the other half:
    # only the pretrained vectors can tell how the unseen words lean.
    vectors = sentiment_vectors()
    train_texts, y_train = corpus(POSITIVE[:4], NEGATIVE[:4], seed=0)
    test_texts, y_test = corpus(POSITIVE[4:], NEGATIVE[4:], seed=1)
    settings = {"epochs": 30, "learning_rate": 0.01, "random_state": 0}
    pretrained = make_pipeline(
        TextTokenizer(vocabulary=vectors),
        make(embeddings=vectors, freeze_embeddings=True, **settings),
    ).fit(train_texts, y_train)
    assert pretrained.score(test_texts, y_test) >= 0.9
    embedding = pretrained[-1].model_.get_layer("embedding")
    assert not embedding.trainable
    np.testing.assert_array_equal(
        embedding.get_weights()[0], vectors.embedding_matrix()
    )
    learned = make_pipeline(
        TextTokenizer(), make(embedding_dim=6, **settings)
    ).fit(train_texts, y_train)
    assert learned.score(test_texts, y_test) < 0.8


def test_fine_tuning_moves_the_vectors_and_saves_with_them(tmp_path):
    vectors = sentiment_vectors()
    texts, y = corpus(POSITIVE, NEGATIVE)
    model = make_pipeline(
        TextTokenizer(vocabulary=vectors),
        FastTextClassifier(embeddings=vectors, epochs=5, random_state=0),
    ).fit(texts, y)
    weights = model[-1].model_.get_layer("embedding").get_weights()[0]
    assert not np.allclose(weights, vectors.embedding_matrix())
    model[-1].save(tmp_path / "model.zip")
    loaded = load(tmp_path / "model.zip")
    assert loaded.embeddings == vectors
    X = model[0].transform(texts)
    np.testing.assert_array_equal(loaded.predict_proba(X), model[-1].predict_proba(X))


def test_grid_search_over_freezing():
    vectors = sentiment_vectors()
    texts, y = corpus(POSITIVE, NEGATIVE, n=40)
    search = GridSearchCV(
        make_pipeline(
            TextTokenizer(vocabulary=vectors),
            FastTextClassifier(
                embeddings=vectors, epochs=10, learning_rate=0.1, random_state=0
            ),
        ),
        {"fasttextclassifier__freeze_embeddings": [True, False]},
        cv=2,
    ).fit(texts, y)
    assert search.best_score_ > 0.8
    assert search.best_estimator_[-1].embeddings is vectors


def test_vectors_trained_with_gensim_on_a_shared_dataset():
    gensim = pytest.importorskip("gensim")
    data_file = SHARED / "rt_polarity" / "data.csv.gz"
    if not data_file.exists():
        pytest.skip("../shared/datasets/rt_polarity is absent")
    import pandas as pd

    frame = pd.read_csv(data_file).sample(3000, random_state=0)
    tokenizer = TextTokenizer().fit(frame.text)
    analyze = tokenizer.build_analyzer()
    sentences = [analyze(text) for text in frame.text]
    model = gensim.models.Word2Vec(
        sentences, vector_size=16, min_count=2, epochs=2, seed=0, workers=1
    )
    vectors = load_word_vectors(model.wv)
    assert len(vectors) == len(model.wv.index_to_key)
    np.testing.assert_allclose(vectors[model.wv.index_to_key[0]], model.wv.vectors[0])
    aligned = TextTokenizer(vocabulary=vectors).fit(frame.text)
    assert aligned.coverage_ == pytest.approx(vectors.coverage(tokenizer.vocabulary_))
    assert 0.3 < aligned.coverage_ < 1.0  # min_count=2 drops the rare words
    clf = FastTextClassifier(embeddings=vectors, epochs=1, random_state=0)
    clf.fit(aligned.transform(frame.text), frame.label)
    assert clf.model_.get_layer("embedding").get_weights()[0].shape == (len(vectors) + 2, 16)
