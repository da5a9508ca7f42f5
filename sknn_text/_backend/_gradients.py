"""Gradients of a function of Keras tensors with respect to one of its inputs.

``sknn_text.inspection`` attributes a network's output to its inputs (feature
values, embedded tokens) by integrated gradients, which needs the gradient of
the output with respect to an input tensor, not to the weights. Keras 3 has no
backend-neutral way to take it, so it lives here, next to the other
backend-specific code:

* TensorFlow: a ``tf.GradientTape`` inside a ``tf.function`` whose input
  signature leaves every axis open, so one trace serves every batch size and
  sequence width;
* JAX: ``jax.vjp`` of the function (run op by op, not compiled, so that
  batches of different widths need no recompilation);
* other backends: ``NotImplementedError``.
"""

import keras
import numpy as np


def gradient_backends():
    """The Keras backends on which :func:`value_and_gradient` works."""
    return ("tensorflow", "jax")


def value_and_gradient(function, example_args, *, wrt):
    """``function`` made to return its value and its gradient.

    Parameters
    ----------
    function : callable
        Takes tensors (one per entry of ``example_args``) and returns a tensor
        of shape ``(batch,)`` whose rows depend on their own input rows only.
    example_args : sequence of ndarray
        Arguments like the ones the result will be called with: their dtypes
        and numbers of dimensions fix the compiled signature (sizes stay open).
    wrt : int
        Position of the argument to differentiate with respect to.

    Returns
    -------
    step : callable
        ``step(*args) -> (values, gradient)``: ``function(*args)`` and the
        gradient of its sum with respect to ``args[wrt]``, which, rows being
        independent, holds each row's own gradient.

    Raises
    ------
    NotImplementedError
        On a backend other than TensorFlow or JAX.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        return _tensorflow_step(function, example_args, wrt)
    if backend == "jax":
        return _jax_step(function, wrt)
    raise NotImplementedError(
        f"Gradients with respect to inputs are implemented for the "
        f"{' and '.join(gradient_backends())} backends, not for {backend!r}."
    )


def _tensorflow_step(function, example_args, wrt):
    import tensorflow as tf

    def step(*args):
        with tf.GradientTape() as tape:
            tape.watch(args[wrt])
            values = function(*args)
        return values, tape.gradient(values, args[wrt])

    signature = [
        tf.TensorSpec([None] * np.ndim(arg), tf.as_dtype(np.asarray(arg).dtype))
        for arg in example_args
    ]
    return tf.function(step, input_signature=signature, jit_compile=False)


def _jax_step(function, wrt):
    import jax
    import jax.numpy as jnp

    def step(*args):
        args = [jnp.asarray(arg) for arg in args]

        def of_input(x):
            return function(*args[:wrt], x, *args[wrt + 1 :])

        values, pullback = jax.vjp(of_input, args[wrt])
        return values, pullback(jnp.ones_like(values))[0]

    return step
