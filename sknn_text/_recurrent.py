"""Recurrent (SimpleRNN, LSTM, GRU) networks on token ids or numeric sequences.

Input handling (token ids, numeric series, pretrained embeddings) lives in
``_sequence.SequenceNetwork``.
"""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

from ._architectures import build_recurrent
from ._feedforward import layer_sizes
from ._sequence import SequenceNetwork


class RecurrentNetwork(SequenceNetwork):
    """Architecture half of the recurrent estimators; ``_cell`` names the layer."""

    _cell = "lstm"
    _parameter_constraints: dict = {
        **SequenceNetwork._parameter_constraints,
        "units": ["array-like", Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "recurrent_dropout": [Interval(Real, 0, 1, closed="left")],
        "pooling": [StrOptions({"last", "mean", "max", "attention"})],
    }

    def _size_hint(self):
        if self._vocabulary_size is None:
            return f"units={self.units!r}"
        return super()._size_hint()

    def _build_network(self, head, *, l2, seed):
        return build_recurrent(
            head.n_outputs,
            cell=self._cell,
            units=layer_sizes(self.units, "units", allow_empty=False),
            bidirectional=self.bidirectional,
            dropout=self.dropout,
            recurrent_dropout=self.recurrent_dropout,
            pooling=self.pooling,
            l2=l2,
            output_activation=head.activation,
            seed=seed,
            **self._input_arguments(),
        )
