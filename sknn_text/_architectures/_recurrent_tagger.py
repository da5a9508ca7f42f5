"""The recurrent taggers (LSTM, GRU): one tag per token of each sentence.

The same recurrent encoder as the document estimators (``_recurrent``), over
sentences of tokens (``_tokens.TokenInput``), read by the tagger head. A module
of its own only to keep ``_recurrent`` short; the registry points the lstm and
gru families' "tagger" task here.
"""

from __future__ import annotations

from typing import ClassVar

from .._docs import TAGGER_EXAMPLE, docstring
from .._heads._tagger import TaggerHead
from .._params import estimator, parameters
from ._inputs import layer_sizes
from ._recurrent import _CUDNN_NOTE, _GRU, _LSTM, RecurrentNetwork, encode_recurrent
from ._tokens import TokenInput


@parameters
class RecurrentTaggerNetwork(TokenInput):
    """The recurrent architecture over sentences of tokens, one vector per token."""

    units: int | tuple[int, ...] = 100
    bidirectional: bool = True
    recurrent_dropout: float = 0.0
    dropout: float = 0.5
    learning_rate: float = 0.003

    _cell = "lstm"
    _parameter_constraints: ClassVar[dict] = {
        name: RecurrentNetwork._parameter_constraints[name]
        for name in ("units", "bidirectional", "recurrent_dropout")
    }
    _parameter_docs: ClassVar[dict] = {
        name: RecurrentNetwork._parameter_docs[name]
        for name in ("units", "bidirectional", "recurrent_dropout")
    }
    _doc_wording: ClassVar[dict] = {
        "dropout_where": "on the input of every recurrent layer and before the tag scores",
        "penalized": "the tag-score layer's kernel",
    }

    @property
    def _network_name(self):
        return f"{self._cell}_tagger"

    def _encode(self, seeds, *, l2, per_step):
        inputs, x = self._embedded_input(seeds)
        return encode_recurrent(
            inputs,
            x,
            cell=self._cell,
            units=layer_sizes(self.units, "units", allow_empty=False),
            bidirectional=self.bidirectional,
            dropout=self.dropout,
            recurrent_dropout=self.recurrent_dropout,
            summarize=False,
            seeds=seeds,
        )


_TAGGER_DESCRIPTION = """
The tokens are embedded (the word, its shape and affixes, and any further
columns of the tokens; see the user guide, "Tagging") and read by recurrent
layers, in both directions by default; each token's output vector scores the
tags.
"""


@estimator
class LSTMTextTagger(TaggerHead, RecurrentTaggerNetwork):
    __doc__ = docstring(
        f"{_LSTM} tagger: one tag per token (chunks, named entities, parts of speech).",
        _TAGGER_DESCRIPTION,
        TaggerHead,
        notes=_CUDNN_NOTE,
        examples=TAGGER_EXAMPLE.format(name="LSTMTextTagger", settings=""),
    )
    _cell = "lstm"


@estimator
class GRUTextTagger(TaggerHead, RecurrentTaggerNetwork):
    __doc__ = docstring(
        f"{_GRU} tagger: one tag per token (chunks, named entities, parts of speech).",
        _TAGGER_DESCRIPTION,
        TaggerHead,
        notes=_CUDNN_NOTE,
        examples=TAGGER_EXAMPLE.format(name="GRUTextTagger", settings=""),
    )
    _cell = "gru"
