"""The fused Adam and the L2 penalty follow Keras's own rules."""

import keras
import numpy as np
import pytest

from sknn_text._backend import _ADAM_SCALARS, fused_adam_update
from sknn_text._layers import SquaredL2
from sknn_text._loop.optimizers import Adam, make_optimizer


def train(optimizer, initial, gradients):
    variable = keras.Variable(initial)
    for gradient in gradients:
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(gradient), variable)])
    return keras.ops.convert_to_numpy(variable)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_follows_keras_adam(amsgrad):
    rng = np.random.RandomState(0)
    initial = rng.normal(size=(30, 4)).astype("float32")
    gradients = [rng.normal(size=(30, 4)).astype("float32") for _ in range(6)]
    ours = train(Adam(learning_rate=0.01, amsgrad=amsgrad), initial, gradients)
    reference = train(
        keras.optimizers.Adam(learning_rate=0.01, amsgrad=amsgrad), initial, gradients
    )
    assert not np.allclose(ours, initial)
    np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="the fused kernel is TensorFlow's"
)
def test_traced_step_with_shared_scalars_follows_keras_adam():
    """Traced, every weight's update reads one set of step scalars: same result."""
    import tensorflow as tf

    rng = np.random.RandomState(1)
    initials = [rng.normal(size=shape).astype("float32") for shape in [(30, 4), (4,), (4, 2)]]
    gradients = [
        [rng.normal(size=weight.shape).astype("float32") for weight in initials]
        for _ in range(6)
    ]

    def run(optimizer):
        variables = [keras.Variable(weight) for weight in initials]
        optimizer.build(variables)

        @tf.function
        def step(grads):
            optimizer.apply_gradients(zip(grads, variables, strict=True))

        for grads in gradients:
            step([tf.constant(gradient) for gradient in grads])
        return [keras.ops.convert_to_numpy(variable) for variable in variables]

    optimizer = Adam(learning_rate=0.01)
    ours = run(optimizer)
    assert optimizer not in _ADAM_SCALARS  # the shared scalars died with the trace
    reference = run(keras.optimizers.Adam(learning_rate=0.01))
    for weight, expected, initial in zip(ours, reference, initials, strict=True):
        assert not np.allclose(weight, initial)
        np.testing.assert_allclose(weight, expected, rtol=1e-5, atol=1e-6)


def test_fused_kernel_runs_on_tensorflow_only():
    optimizer = Adam(learning_rate=0.01)
    variable = keras.Variable(np.ones((3, 2), dtype="float32"))
    optimizer.build([variable])
    gradient = keras.ops.ones((3, 2))
    applied = fused_adam_update(optimizer, gradient, variable, optimizer.learning_rate)
    assert applied == (keras.backend.backend() == "tensorflow")


def test_embedding_gradients_take_keras_update():
    """Embedding lookups give sparse gradients on TensorFlow: Keras's path."""
    model = keras.Sequential([
        keras.Input((5,), dtype="int32"),
        keras.layers.Embedding(20, 3),
        keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(1),
    ])
    model.compile(Adam(learning_rate=0.05), "mse")
    X = np.random.RandomState(0).randint(0, 20, size=(32, 5))
    y = X.mean(axis=1, keepdims=True) / 20.0
    first = model.train_on_batch(X, y)
    for _ in range(20):
        last = model.train_on_batch(X, y)
    assert last < first


def test_make_optimizer_maps_adam_to_ours_and_clones_instances():
    assert type(make_optimizer("adam", 0.01)) is Adam
    user = keras.optimizers.Adam(learning_rate=0.2)
    clone = make_optimizer(user, 0.01)
    assert type(clone) is keras.optimizers.Adam and clone is not user
    restored = keras.optimizers.deserialize(keras.optimizers.serialize(Adam(0.03)))
    assert type(restored) is Adam
    assert float(restored.learning_rate) == pytest.approx(0.03)


def test_squared_l2_equals_keras_l2():
    weights = keras.ops.convert_to_tensor(
        np.random.RandomState(1).normal(size=(7, 3)).astype("float32")
    )
    ours = keras.ops.convert_to_numpy(SquaredL2(0.3)(weights))
    reference = keras.ops.convert_to_numpy(keras.regularizers.L2(0.3)(weights))
    np.testing.assert_allclose(ours, reference, rtol=1e-6)
    assert SquaredL2.from_config(SquaredL2(0.3).get_config()).l2 == 0.3
