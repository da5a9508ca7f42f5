"""Convolutional networks (Kim 2014) on token ids or numeric sequences."""

from numbers import Integral

from sklearn.utils._param_validation import Interval, StrOptions

from ._architectures import _ACTIVATIONS, build_convolutional
from ._feedforward import layer_sizes
from ._sequence import SequenceNetwork


class ConvolutionalNetwork(SequenceNetwork):
    """Architecture half of the CNN estimators."""

    _parameter_constraints: dict = {
        **SequenceNetwork._parameter_constraints,
        "filters": [Interval(Integral, 1, None, closed="left")],
        "kernel_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(_ACTIVATIONS))],
    }

    def _build_network(self, head, *, l2, seed):
        return build_convolutional(
            head.n_outputs,
            filters=self.filters,
            kernel_sizes=layer_sizes(self.kernel_sizes, "kernel_sizes", allow_empty=False),
            activation=self.activation,
            dropout=self.dropout,
            l2=l2,
            output_activation=head.activation,
            seed=seed,
            series_length=None if self._n_channels is None else self.n_features_in_,
            **self._input_arguments(),
        )
