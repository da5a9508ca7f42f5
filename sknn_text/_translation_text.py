"""Sentences to token ids and back, for the translators: one codec per side.

A translator owns its vocabularies, so that ``predict`` takes and returns text.
A :class:`TextCodec` is built from training sentences at one of three levels:

* ``"word"``: a token is a whitespace-separated word, kept as written
  (punctuation stays attached unless the text separates it); outputs are the
  words joined by single spaces;
* ``"char"``: a token is one character, spaces included;
* ``"bpe"``: sub-words learned by byte-pair encoding with the ``tokenizers``
  library (imported on first use; the ``translate`` extra). Spaces are kept as
  the ``"▁"`` marker of SentencePiece (``Metaspace``), so decoding gives the
  text back exactly, spacing included.

Every vocabulary starts with four special tokens, ``<pad>`` (id 0), ``<unk>``
(1, any token outside the vocabulary), ``<s>`` (2, the start of every target
sentence) and ``</s>`` (3, its end); the kept tokens follow, the most frequent
first at word and character level (ties alphabetical). ``lowercase=True`` lower-
cases every sentence before anything else (so outputs are lower case too).

What a fitted codec needs is plain data (:meth:`TextCodec.state`: the level,
the tokens and, for BPE, the ``tokenizers`` JSON), which the estimator keeps as
fitted attributes and saves with the sknn_text file format.
"""

from collections import Counter

import numpy as np

from ._token_ids import OOV_ID, PADDING_ID
from ._vocabulary import check_documents

PADDING, UNKNOWN, START, END = "<pad>", "<unk>", "<s>", "</s>"
SPECIAL_TOKENS = (PADDING, UNKNOWN, START, END)
START_ID, END_ID = 2, 3
#: Tokens a decoder never outputs.
NEVER_GENERATED = (PADDING_ID, OOV_ID, START_ID)
LEVELS = ("word", "char", "bpe")
#: Vocabulary size of ``level="bpe"`` when ``max_tokens`` is None.
BPE_DEFAULT_SIZE = 32000


def _require_tokenizers():
    try:
        import tokenizers
    except ImportError as error:  # pragma: no cover - the extra is installed in tests
        raise ImportError(
            'level="bpe" needs the tokenizers library: pip install "sknn_text[translate]" '
            '(or choose level="word").'
        ) from error
    return tokenizers


def _bpe_tokenizer(json):
    return _require_tokenizers().Tokenizer.from_str(json)


def _train_bpe(texts, *, size, min_frequency, lowercase):
    tk = _require_tokenizers()
    tokenizer = tk.Tokenizer(tk.models.BPE(unk_token=UNKNOWN))
    steps = [tk.normalizers.NFC()] + ([tk.normalizers.Lowercase()] if lowercase else [])
    tokenizer.normalizer = tk.normalizers.Sequence(steps)
    tokenizer.pre_tokenizer = tk.pre_tokenizers.Metaspace()
    tokenizer.decoder = tk.decoders.Metaspace()
    trainer = tk.trainers.BpeTrainer(
        vocab_size=size,
        min_frequency=min_frequency,
        special_tokens=list(SPECIAL_TOKENS),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer)
    return tokenizer


class TextCodec:
    """Sentences of one language to lists of ids and back (see the module docstring).

    Build one with :meth:`fit`, or from a :meth:`state` with :meth:`from_state`.
    """

    def __init__(self, level, tokens, lowercase, bpe=None):
        self.level, self.tokens, self.lowercase, self.bpe = level, list(tokens), lowercase, bpe
        self._index = {token: i for i, token in enumerate(self.tokens) if i != PADDING_ID}
        self._tokenizer = None if bpe is None else _bpe_tokenizer(bpe)

    @classmethod
    def fit(cls, texts, *, level, max_tokens, min_frequency, lowercase):
        """A codec of the sentences ``texts`` (a list of str)."""
        if level == "bpe":
            size = BPE_DEFAULT_SIZE if max_tokens is None else max_tokens
            tokenizer = _train_bpe(
                texts, size=size, min_frequency=min_frequency, lowercase=lowercase
            )
            vocabulary = tokenizer.get_vocab()
            tokens = sorted(vocabulary, key=vocabulary.get)
            return cls(level, tokens, lowercase, tokenizer.to_str())
        counts = Counter()
        for text in texts:
            counts.update(_split(text, level, lowercase))
        for special in SPECIAL_TOKENS:
            counts.pop(special, None)
        kept = sorted(
            (token for token, count in counts.items() if count >= min_frequency),
            key=lambda token: (-counts[token], token),
        )
        if max_tokens is not None:
            kept = kept[: max(max_tokens - len(SPECIAL_TOKENS), 0)]
        return cls(level, [*SPECIAL_TOKENS, *kept], lowercase)

    def state(self):
        """Plain data that :meth:`from_state` turns back into this codec."""
        return {"level": self.level, "lowercase": self.lowercase, "bpe": self.bpe}

    @classmethod
    def from_state(cls, tokens, state):
        return cls(state["level"], tokens, state["lowercase"], state["bpe"])

    def __len__(self):
        return len(self.tokens)

    def split(self, text):
        """The tokens of ``text`` (sub-words for BPE)."""
        if self._tokenizer is not None:
            return self._tokenizer.encode(text).tokens
        return _split(text, self.level, self.lowercase)

    def encode(self, texts):
        """Lists of ids (without ``<s>`` or ``</s>``); unknown tokens get ``OOV_ID``."""
        if self._tokenizer is not None:
            return [encoding.ids for encoding in self._tokenizer.encode_batch(list(texts))]
        get = self._index.get
        return [[get(token, OOV_ID) for token in self.split(text)] for text in texts]

    def decode(self, ids):
        """The text of a list of ids; special tokens are left out."""
        ids = [int(i) for i in ids if i >= len(SPECIAL_TOKENS)]
        if self._tokenizer is not None:
            return self._tokenizer.decode(ids, skip_special_tokens=True)
        return (" " if self.level == "word" else "").join(self.tokens[i] for i in ids)


def _split(text, level, lowercase):
    if lowercase:
        text = text.lower()
    return text.split() if level == "word" else list(text)


def check_pairs(X, y):
    """Sources and targets as two lists of non-empty strings of equal length."""
    sources = check_documents(X)
    if y is None:
        raise ValueError("A translator needs y: the target sentence of every source.")
    targets = check_documents(y)
    if len(sources) != len(targets):
        raise ValueError(
            f"X and y must hold the same number of sentences; got {len(sources)} "
            f"sources and {len(targets)} targets."
        )
    return check_sentences(sources, "X"), check_sentences(targets, "y")


def check_sentences(texts, name="X"):
    """``texts``, refused if one is empty (or only spaces)."""
    for position, text in enumerate(texts):
        if not text.strip():
            raise ValueError(
                f"Sentence {position} of {name} is empty; there is nothing to translate "
                "(drop empty pairs before fitting)."
            )
    return texts


def packed(source_ids, target_ids):
    """``(pairs, targets)``: ``(n, steps, 2)`` source and decoder ids, and the
    ``(n, steps)`` ids the decoder must predict, right-padded."""
    rows = [(s, [START_ID, *t], [*t, END_ID]) for s, t in zip(source_ids, target_ids, strict=True)]
    width = max(max(len(s), len(t)) for s, t, _ in rows)
    pairs = np.zeros((len(rows), width, 2), dtype=np.int32)
    targets = np.zeros((len(rows), width), dtype=np.int32)
    for i, (source, read, predicted) in enumerate(rows):
        pairs[i, : len(source), 0] = source
        pairs[i, : len(read), 1] = read
        targets[i, : len(predicted)] = predicted
    return pairs, targets


def right_padded(id_lists):
    """Lists of ids as a right-padded int32 matrix (at least one column)."""
    matrix = np.zeros((len(id_lists), max(1, *map(len, id_lists))), dtype=np.int32)
    for i, ids in enumerate(id_lists):
        matrix[i, : len(ids)] = ids
    return matrix
