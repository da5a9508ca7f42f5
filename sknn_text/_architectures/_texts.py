"""What a language model reads: raw texts, which its head splits itself.

:class:`TextInput` is the input kind of the built-in language models
(``LanguageModelHead`` turns the texts into token windows). It adds
``tokenizer()``: the :class:`~sknn_text.TextTokenizer` that splits and numbers
texts exactly as the language model does, for the classifiers and regressors
that start from it (``pretrained``; see ``_pretraining``).
"""

from __future__ import annotations

from sklearn.utils.validation import check_is_fitted

from .._base import BaseTextNetwork
from .._params import parameters
from .._token_ids import FIRST_TOKEN_ID
from ..preprocessing import TextTokenizer

#: ``TextTokenizer`` token patterns that split as ``_text_stream.split_text``:
#: runs of non-whitespace (``str.split``), or every character, newlines included.
_TOKEN_PATTERNS = {"word": r"(?u)\S+", "char": r"(?s)."}


@parameters
class TextInput(BaseTextNetwork):
    """Raw texts, split into tokens by the language model itself."""

    def tokenizer(self, *, sequence_length: int | None = None, truncating: str = "post"):
        """A ``TextTokenizer`` that splits and numbers texts as this model does.

        Its ids are the model's own (id ``i`` is ``vocabulary_[i]``: ``<unk>``
        is 1, ``<eos>`` 2), so that a classifier or regressor started from
        this model (``pretrained``) reads them::

            make_pipeline(lm.tokenizer(), LSTMTextClassifier(pretrained=lm))

        Words are runs of non-whitespace characters kept as written
        (``level="word"``), or single characters, spaces and newlines included
        (``level="char"``). The tokenizer is returned unfitted: fitting it
        only sets the length of its rows.

        Parameters
        ----------
        sequence_length : int or None, default=None
            Tokens kept per document (see ``TextTokenizer``); None: the
            longest document of ``fit``, at most 500.
        truncating : {"post", "pre"}, default="post"
            Where longer documents lose tokens.

        Returns
        -------
        tokenizer : TextTokenizer
        """
        check_is_fitted(self, "vocabulary_")
        # A fixed vocabulary numbers its first token FIRST_TOKEN_ID (2): "<eos>",
        # the last of the special tokens, as in the language model.
        return TextTokenizer(
            vocabulary=list(self.vocabulary_[FIRST_TOKEN_ID:]),
            lowercase=False,
            token_pattern=_TOKEN_PATTERNS[self.level],
            sequence_length=sequence_length,
            truncating=truncating,
        )
