"""The language-model task: predict the next token of a text, at every position.

The network reads windows of token ids (``_text_stream``) and outputs, at every
position, a softmax over the vocabulary for the next token; ``fit(texts)``
needs no ``y``. On top of the training loop shared by every estimator it offers

* ``score`` (mean log-likelihood per token) and ``perplexity`` (its ``exp(-x)``),
* ``predict_next`` (the most likely next tokens, a phone keyboard's row),
* ``generate`` (sampling with temperature, top-k and top-p; ``_sampling``),
* ``transform`` (one vector per document: the mean of the last layer's outputs).
"""

from __future__ import annotations

from numbers import Integral
from typing import TYPE_CHECKING, ClassVar

import keras
import numpy as np
from keras import layers
from sklearn.base import TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._backend import predict_on_batch
from .._composition import Source
from .._layers import SquaredL2, TiedEmbedding
from .._loop.schedule import GENERATION
from .._params import parameters
from .._sampling import sample_continuation
from .._saving.file_format import drop_transient_attributes
from .._text_stream import (
    END_ID,
    build_vocabulary,
    corpus_stream,
    encode_tokens,
    join_tokens,
    right_padded,
    scoring_windows,
    split_text,
    token_index,
    training_windows,
)
from .._token_ids import OOV_ID, PADDING_ID
from .._vocabulary import check_documents
from ._base import OutputSpec

if TYPE_CHECKING:
    from typing_extensions import Self

#: ``sequence_length="auto"``: tokens per training window at each level.
AUTO_SEQUENCE_LENGTH = {"word": 35, "char": 100}
#: Float32 numbers of predicted probabilities held at once while scoring.
_PREDICT_FLOATS = 1 << 24
_TINY = np.finfo(np.float64).tiny


@parameters
class LanguageModelHead(TransformerMixin):
    """The language-model task of a token network (first base of a language model)."""

    level: str = "word"
    max_tokens: int | None = 20000
    sequence_length: int | str = "auto"
    embedding_dim: int = 256
    tie_weights: bool = False

    _doc_rank = 0  # the tokenizer's settings come first
    _per_step_outputs = True
    _causal = True
    _auto_budget = GENERATION
    _network_suffix = "_language_model"
    _doc_wording: ClassVar[dict] = {"embedding_where": "", "penalized": "the output layer's kernel"}
    #: The stepping model of an encoder that carries its state (``_steps``).
    _transient_attributes = ("_step_model",)
    _parameter_constraints: ClassVar[dict] = {
        "level": [StrOptions({"word", "char"})],
        "max_tokens": [Interval(Integral, 4, None, closed="left"), None],
        "sequence_length": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "tie_weights": ["boolean"],
    }
    _parameter_docs: ClassVar[dict] = {
        "level": (
            '{"word", "char"}',
            """What a token is: a whitespace-separated word (kept as written;
            separate punctuation beforehand if it should be a token of its own)
            or one character (spaces and newlines included).""",
        ),
        "max_tokens": (
            "int or None",
            """Size of the vocabulary, the three special tokens ``<pad>``,
            ``<unk>`` and ``<eos>`` included: the most frequent tokens of the
            training texts are kept, every other token reads as ``<unk>``.
            None keeps them all.""",
        ),
        "sequence_length": (
            'int or "auto"',
            """Tokens per training window (truncated back-propagation through
            time; the windows are independent, no state is carried between
            them); a Transformer also reads at most this many tokens of context
            when predicting. ``"auto"`` is 35 for words and 100 for characters.""",
        ),
        "embedding_dim": ("int", "Width of the token embeddings$embedding_where."),
        "tie_weights": (
            "bool",
            """Share the embedding matrix with the output layer (Press & Wolf
            2017): fewer weights, often a lower perplexity. Outputs of another
            width are first projected to ``embedding_dim``.""",
        ),
    }
    _attribute_docs = """\
    vocabulary_ : list of str
        The token of each id: ``"<pad>"`` (0), ``"<unk>"`` (1), ``"<eos>"`` (2),
        then the kept tokens, the most frequent first.
    sequence_length_ : int
        Tokens per window (``sequence_length`` resolved)."""
    _fitted_attributes = ("vocabulary_", "sequence_length_")
    _task_summary = "It is trained on raw texts (no ``y``) to predict every next token."
    _task_notes = """\
    A corpus is read as one stream ``<eos> text_1 <eos> text_2 <eos> ...``, every
    token (``<eos>`` included) is predicted once, and tokens outside the
    vocabulary count as ``<unk>``, whose probability enters the perplexity as
    any other's (so a smaller vocabulary lowers the perplexity: compare models
    with the same vocabulary). Training cuts the stream into independent
    windows of ``sequence_length`` tokens; scoring uses windows that overlap by
    half, so every token has at least half a window of context. ``history_``
    holds the loss in nats per token: ``exp(val_loss)`` is the validation
    perplexity, which early stopping (``epochs="auto"``) monitors."""

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None) -> Self:
        """Train the language model on the texts ``X``.

        Parameters
        ----------
        X : iterable of str
            Training texts (documents or lines); each ends with ``<eos>``.
        y : None
            Ignored: the targets are the texts themselves.

        Returns
        -------
        self : object
            The fitted language model.
        """
        mode = "warm" if self.warm_start and self._is_fitted() else "fresh"
        return self._train(X, None, None, mode=mode, epochs=self.epochs)

    def _encode_data(self, X, y, *, reset, classes, incremental):
        drop_transient_attributes(self)  # caches of the weights about to change
        token_lists = self._token_lists(X)
        if reset:
            self.vocabulary_ = build_vocabulary(token_lists, self.max_tokens)
            length = self.sequence_length
            self.sequence_length_ = AUTO_SEQUENCE_LENGTH[self.level] if length == "auto" else length
        stream = corpus_stream(token_lists, token_index(self.vocabulary_))
        inputs, targets = training_windows(stream, self.sequence_length_)
        spec = OutputSpec(len(self.vocabulary_), "softmax", "sparse_categorical_crossentropy")
        return inputs, targets, spec

    def _stepping(self):
        return getattr(self._encoder, "stepping", None)

    def _token_lists(self, X):
        return [split_text(text, self.level) for text in check_documents(X)]

    # -------------------------------------------------------------- network
    def _source(self, seeds):
        """Embedded ids (no padding in the windows: no mask) and the embedding."""
        inputs = keras.Input(shape=(None,), dtype="int32", name="token_ids")
        embedding = (TiedEmbedding if self.tie_weights else layers.Embedding)(
            len(self.vocabulary_),
            self.embedding_dim,
            embeddings_initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=seeds()),
            name="embedding",
        )
        x, length = embedding(inputs), self.sequence_length_
        return Source(inputs, x, "token_ids", length=length, embedding=embedding)

    def _build_head(self, encoding, spec, *, l2, seeds):
        """Per-position probabilities of the next token, ``(batch, steps, vocabulary)``."""
        x = layers.Identity(name="features")(encoding.outputs)
        if encoding.dropout > 0:
            x = layers.Dropout(encoding.dropout, seed=seeds())(x)
        regularizer = SquaredL2(l2) if l2 > 0 else None
        if self.tie_weights:
            if x.shape[-1] != self.embedding_dim:
                x = layers.Dense(
                    self.embedding_dim,
                    kernel_initializer=seeds.glorot(),
                    kernel_regularizer=regularizer,
                    name="projection",
                )(x)
            logits = encoding.embedding(x, reverse=True)
        else:
            logits = layers.Dense(
                spec.n_outputs,
                kernel_initializer=seeds.glorot(),
                kernel_regularizer=regularizer,
                name="next_token",
            )(x)
        return layers.Activation("softmax", dtype="float32", name="probabilities")(logits)

    # -------------------------------------------------------------- scoring
    def _predict_rows(self, inputs, model=None):
        """Model outputs for right-padded id windows, batch by batch (a generator)."""
        model = self.model_ if model is None else model
        width = max(inputs.shape[1], 1)
        rows = max(1, min(512, _PREDICT_FLOATS // (width * len(self.vocabulary_))))
        for start in range(0, inputs.shape[0], rows):
            batch = inputs[start : start + rows]
            yield start, keras.ops.convert_to_numpy(predict_on_batch(model, batch))

    def _log_likelihood(self, X):
        """Summed natural-log probability of every token of ``X``, and their count."""
        check_is_fitted(self, "model_")
        stream = corpus_stream(self._token_lists(X), token_index(self.vocabulary_))
        inputs, targets, scored = scoring_windows(stream, self.sequence_length_)
        total = 0.0
        for start, probabilities in self._predict_rows(inputs):
            rows = slice(start, start + probabilities.shape[0])
            chosen = np.take_along_axis(probabilities, targets[rows, :, None], axis=-1)[..., 0]
            chosen = chosen[scored[rows]].astype(np.float64)
            total += float(np.log(np.maximum(chosen, _TINY)).sum())
        return total, int(scored.sum())

    def score(self, X, y=None) -> float:
        """Mean log-likelihood per token of the texts ``X`` (natural log).

        Higher is better, so that ``GridSearchCV`` and ``cross_val_score``
        maximize it; ``perplexity(X) == exp(-score(X))``.

        Parameters
        ----------
        X : iterable of str
            Texts; each ends with ``<eos>``, which is scored too.
        y : None
            Ignored.

        Returns
        -------
        score : float
            The average of ``log p(token | context)`` over the tokens of ``X``.
        """
        total, count = self._log_likelihood(X)
        return total / count

    def perplexity(self, X) -> float:
        """Perplexity on the texts ``X``, ``exp(-score(X))``: lower is better.

        ``<eos>`` and ``<unk>`` tokens count as any other (see the Notes of the
        class). ``X``: iterable of str. Returns a float.
        """
        return float(np.exp(-self.score(X)))

    # ----------------------------------------------------------- next token
    def _context_ids(self, text, index):
        ids = [END_ID, *encode_tokens(split_text(text, self.level), index)]
        # Position embeddings (``Encoder.bounded_length``) cover the last window.
        bounded = getattr(self._encoder, "bounded_length", True)
        return ids[-self.sequence_length_ :] if bounded else ids

    def _next_token_probabilities(self, contexts):
        """``(n_contexts, vocabulary)``: the distribution after each id list."""
        inputs, lengths = right_padded(contexts)
        result = np.empty((len(contexts), len(self.vocabulary_)))
        for start, probabilities in self._predict_rows(inputs):
            rows = np.arange(start, start + probabilities.shape[0])
            result[rows] = probabilities[rows - start, lengths[rows] - 1]
        return result

    def predict_next(self, X, top_k: int = 3) -> list:
        """The ``top_k`` most likely next tokens after each text of ``X``.

        ``<pad>`` and ``<unk>`` are never proposed; ``"<eos>"`` means the text
        is likely complete.

        Parameters
        ----------
        X : iterable of str
            Beginnings of texts, read whole by a recurrent network (a
            Transformer reads the last ``sequence_length_`` tokens).
        top_k : int, default=3
            Tokens per text.

        Returns
        -------
        tokens : list of list of str
            For each text, the tokens, the most likely first.
        """
        check_is_fitted(self, "model_")
        if isinstance(top_k, bool) or not isinstance(top_k, Integral) or top_k < 1:
            raise ValueError(f"top_k must be an int >= 1, got {top_k!r}.")
        index = token_index(self.vocabulary_)
        contexts = [self._context_ids(text, index) for text in check_documents(X)]
        probabilities = self._next_token_probabilities(contexts)
        probabilities[:, [PADDING_ID, OOV_ID]] = -1.0
        top_k = min(int(top_k), probabilities.shape[1] - 2)
        order = np.argsort(-probabilities, axis=1, kind="stable")[:, :top_k]
        return [[self.vocabulary_[i] for i in row] for row in order]

    def generate(
        self,
        prompt: str = "",
        *,
        max_new_tokens: int = 50,
        temperature: float = 1.0,
        top_k: int | None = None,
        top_p: float | None = None,
        random_state=None,
    ) -> str:
        """Continue ``prompt`` by sampling one token at a time.

        It stops after ``max_new_tokens`` tokens or at ``<eos>``; ``<pad>`` and ``<unk>``
        are never drawn. A recurrent network reads the prompt once, then steps (its
        context is the whole text); a Transformer rereads its last ``sequence_length_``.

        Parameters
        ----------
        prompt : str, default=""
            The beginning of the text ("" starts a new text).
        max_new_tokens : int, default=50
            Most tokens (words or characters) to add.
        temperature : float, default=1.0
            Divides the log-probabilities: below 1 sharpens the distribution
            (toward the most likely token), above 1 flattens it. Must be > 0;
            ``top_k=1`` decodes greedily.
        top_k : int or None, default=None
            Draw among the ``top_k`` most likely tokens only.
        top_p : float or None, default=None
            Draw among the smallest set of most likely tokens whose probability
            reaches ``top_p``, in (0, 1] (nucleus sampling).
        random_state : int, numpy.random.Generator, RandomState or None, default=None
            Seed or generator of the draws; an int gives the same text every
            time. NumPy's global random state is never used.

        Returns
        -------
        text : str
            ``prompt`` followed by the generated tokens (words joined by spaces).
        """
        check_is_fitted(self, "model_")
        if not isinstance(prompt, str):
            raise TypeError(f"prompt must be a str, got {type(prompt).__name__}.")
        n, stepping = self.sequence_length_, self._stepping()
        ids = sample_continuation(
            stepping(self) if stepping else lambda c: self._next_token_probabilities([c[-n:]])[0],
            self._context_ids(prompt, token_index(self.vocabulary_)),
            max_new_tokens=max_new_tokens,
            temperature=temperature,
            top_k=top_k,
            top_p=top_p,
            random_state=random_state,
            stop=END_ID,
            never=(PADDING_ID, OOV_ID),
        )
        new = [self.vocabulary_[token] for token in ids]
        if not new:
            return prompt
        separator = " " if self.level == "word" and prompt and not prompt[-1].isspace() else ""
        return prompt + separator + join_tokens(new, self.level)

    # ------------------------------------------------------------ transform
    def transform(self, X) -> np.ndarray:
        """One vector per text: the mean over its tokens of the last layer's outputs,
        to feed a classifier in a ``Pipeline`` (long texts are read in windows).

        Parameters
        ----------
        X : iterable of str
            Texts.

        Returns
        -------
        vectors : ndarray of shape (n_texts, n_features)
        """
        check_is_fitted(self, "model_")
        index = token_index(self.vocabulary_)
        length = self.sequence_length_
        rows, owners = [], []
        for owner, tokens in enumerate(self._token_lists(X)):
            ids = [END_ID, *encode_tokens(tokens, index)]
            for start in range(0, len(ids), length):
                rows.append(ids[start : start + length])
                owners.append(owner)
        inputs, lengths = right_padded(rows, width=length)
        features = self.model_.get_layer("features").output
        encoder = keras.Model(self.model_.inputs, features)
        sums = np.zeros((int(owners[-1]) + 1, features.shape[-1]))
        counts = np.zeros(sums.shape[0])
        owners = np.asarray(owners)
        for start in range(0, inputs.shape[0], 256):
            batch = slice(start, start + 256)
            vectors = keras.ops.convert_to_numpy(predict_on_batch(encoder, inputs[batch]))
            real = np.arange(length)[None, :] < lengths[batch, None]
            np.add.at(sums, owners[batch], (vectors * real[..., None]).sum(axis=1))
            np.add.at(counts, owners[batch], lengths[batch])
        return sums / counts[:, None]

    _serving_output_name = "probabilities"  # export: ids in, next-token probabilities out

    def _serving_outputs(self, outputs):
        return outputs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.required = False
        if tags.transformer_tags is not None:
            tags.transformer_tags.preserves_dtype = []
        return tags
