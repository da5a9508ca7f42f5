"""Transformer encoders on token ids or numeric sequences."""

from numbers import Integral

from sklearn.utils._param_validation import Interval

from ._architectures import build_transformer
from ._sequence import SequenceNetwork


class TransformerNetwork(SequenceNetwork):
    """Architecture half of the Transformer estimators."""

    _parameter_constraints: dict = {
        **SequenceNetwork._parameter_constraints,
        "num_heads": [Interval(Integral, 1, None, closed="left")],
        "feedforward_dim": [Interval(Integral, 1, None, closed="left")],
        "n_blocks": [Interval(Integral, 1, None, closed="left")],
    }

    def _size_hint(self):
        return (
            f"{super()._size_hint()}; attention over {self.n_features_in_} "
            f"positions with num_heads={self.num_heads} per block"
        )

    def _build_network(self, head, *, l2, seed):
        return build_transformer(
            head.n_outputs,
            max_length=self.n_features_in_,
            num_heads=self.num_heads,
            feedforward_dim=self.feedforward_dim,
            n_blocks=self.n_blocks,
            dropout=self.dropout,
            l2=l2,
            output_activation=head.activation,
            seed=seed,
            **self._input_arguments(),
        )
