"""The optimizers behind the ``optimizer`` parameter.

``"adam"`` is Keras's Adam whose dense updates run, on TensorFlow, as the fused
``ResourceApplyAdam`` kernel: one pass over a weight and its two moments instead
of a chain of element-wise operations, each allocating a temporary the size of
the weight. Same update rule, less memory and time for large first layers
(a TF-IDF vocabulary times the hidden units).
"""

import keras

from .._backend import forget_adam_scalars, fused_adam_update


@keras.saving.register_keras_serializable(package="sknn_text")
class Adam(keras.optimizers.Adam):
    """Keras's ``Adam``; on TensorFlow each dense update is one fused kernel.

    Sparse gradients, AMSGrad and the other backends take Keras's own update.
    """

    def apply(self, grads, trainable_variables=None):
        try:
            return super().apply(grads, trainable_variables)
        finally:
            # The scalars shared by the weights' updates belong to this trace.
            forget_adam_scalars(self)

    def update_step(self, gradient, variable, learning_rate):
        if not fused_adam_update(self, gradient, variable, learning_rate):
            super().update_step(gradient, variable, learning_rate)


OPTIMIZERS = {
    "adam": Adam,
    "adamw": keras.optimizers.AdamW,
    "nadam": keras.optimizers.Nadam,
    "rmsprop": keras.optimizers.RMSprop,
    "adagrad": keras.optimizers.Adagrad,
    "sgd": keras.optimizers.SGD,
}


def make_optimizer(optimizer, learning_rate):
    """A fresh Keras optimizer from a name or by cloning a user's instance."""
    if isinstance(optimizer, str):
        return OPTIMIZERS[optimizer](learning_rate=learning_rate)
    return optimizer.__class__.from_config(optimizer.get_config())
