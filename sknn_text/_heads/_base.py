"""The seam between encoders and heads, and the output layer every head ends with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._layers import Float64Dense, SquaredL2


@dataclass
class Encoding:
    """What an architecture's encoder hands to a head.

    Attributes
    ----------
    inputs : keras.KerasTensor
        The model's input.
    outputs : keras.KerasTensor
        ``(batch, features)`` when the encoder already summarized each
        document, else ``(batch, steps, features)`` carrying Keras's padding
        mask (or with ``mask`` given explicitly).
    pooling : {None, "mean", "max", "attention", "flatten"}
        How a document head turns per-step outputs into one vector; None when
        ``outputs`` already has one vector per document.
    mask : keras.KerasTensor or None
        The padding mask, when a layer of the encoder consumed Keras's own.
    dropout : float
        Dropout rate before the output layer.
    attention_units : int or None
        Width of the scoring layer of attention pooling.
    output_layer : type
        Class of the output layer: ``Float64Dense`` unless the outputs are a
        sparse input read directly (a network without hidden layers).
    embedding : keras.layers.Layer or None
        The token embedding, for a head that ties its output to it (the
        language models' ``tie_weights``).
    """

    inputs: Any
    outputs: Any
    pooling: str | None = None
    mask: Any = None
    dropout: float = 0.0
    attention_units: int | None = None
    output_layer: type = Float64Dense
    embedding: Any = None


@dataclass(frozen=True)
class OutputSpec:
    """What a task needs from the network's last layer and loss."""

    n_outputs: int
    activation: str
    loss: str
    metrics: tuple = ()


@dataclass(frozen=True)
class ConstantOutput:
    """The constant prediction that a validated fit must beat
    (``_loop.training.run_epochs``); see ``RegressorHead``.

    Attributes
    ----------
    layer : keras.layers.Dense
        The output layer; with a zero kernel and ``bias`` it predicts the
        constant whatever the input.
    bias : ndarray
        Its bias then.
    """

    layer: Any
    bias: np.ndarray

    def center(self, mean_output):
        """Shift the trained layer's bias so that its mean output over the
        training rows, now ``mean_output``, becomes ``bias``.

        This is the intercept that least squares fits with the rest of the
        network held fixed. An early-stopped network (and one trained with
        dropout) is rarely centered: on small data its offset alone put test
        predictions further from ``y`` than the mean (``benchmarks/README.md``).
        """
        kernel, bias = self.layer.get_weights()
        shift = np.asarray(self.bias, dtype=np.float64) - np.asarray(mean_output)
        self.layer.set_weights([kernel, (bias + shift).astype(bias.dtype)])

    def wins(self, row_losses):
        """Whether the constant is kept in the layer.

        ``row_losses()`` returns the loss of each validation row under the
        layer's current weights, and the rows' weights. The trained weights
        are put back if their (weighted) mean loss is the lower one.
        """
        trained = self.layer.get_weights()
        network, weights = row_losses()
        kernel, bias = trained
        self.layer.set_weights([np.zeros_like(kernel), self.bias.astype(bias.dtype)])
        constant, _ = row_losses()
        if not weights.sum() > 0:
            weights = np.ones_like(network)
        if np.average(network, weights=weights) < np.average(constant, weights=weights):
            self.layer.set_weights(trained)
            return False
        return True


def output_layer(x, spec, *, l2, seeds, layer_class=Float64Dense, name="output"):
    """The last layer: ``spec.n_outputs`` units, computed in float64 (see
    ``Float64Dense``), with the L2 penalty ``l2`` on its kernel."""
    return layer_class(
        spec.n_outputs,
        activation=spec.activation,
        kernel_initializer=seeds.glorot(),
        kernel_regularizer=SquaredL2(l2) if l2 > 0 else None,
        name=name,
    )(x)
