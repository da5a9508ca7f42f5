"""Ctrl-C during fit keeps the completed epochs and goes on; a NaN loss fails cleanly.

An interrupted fit leaves a usable estimator (its best or last completed epoch)
and re-raises ``KeyboardInterrupt``, so that whatever called ``fit``
(``cross_val_score``, ``GridSearchCV``, ``compare``) stops instead of scoring a
truncated fit. ``tests/test_sigint.py`` sends real SIGINTs.
"""

import keras
import numpy as np
import pytest
from conftest import KeepWeights
from sklearn.exceptions import NotFittedError

from sknn_text import LSTMTextClassifier, MLPTextClassifier, MLPTextRegressor

RNG = np.random.RandomState(0)
X = RNG.normal(size=(64, 4))
Y = (X[:, 0] + X[:, 1] > 0).astype(int)
TOKENS = RNG.randint(1, 12, size=(64, 6))


class Interrupt(keras.callbacks.Callback):
    """Raise KeyboardInterrupt at the end of an epoch, or after a batch of it."""

    def __init__(self, epoch, batch=None):
        super().__init__()
        self.epoch, self.batch = epoch, batch
        self._current = None

    def on_epoch_begin(self, epoch, logs=None):
        self._current = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.batch is not None and (self._current, batch) == (self.epoch, self.batch):
            raise KeyboardInterrupt

    def on_epoch_end(self, epoch, logs=None):
        if self.batch is None and epoch == self.epoch:
            raise KeyboardInterrupt


def assert_weights_equal(model, weights):
    for now, expected in zip(model.get_weights(), weights, strict=True):
        np.testing.assert_array_equal(now, expected)


def small_mlp(**params):
    return MLPTextClassifier(
        **{"hidden_layer_sizes": (8,), "batch_size": 16, "epochs": 10,
           "random_state": 0, "learning_rate": 0.01, **params}
    )


@pytest.mark.parametrize(
    "interrupt", [Interrupt(epoch=2), Interrupt(epoch=3, batch=1)],
    ids=["epoch-end-of-epoch-3", "mid-batch-of-epoch-4"],
)
def test_interrupt_keeps_last_completed_epoch(interrupt):
    keeper = KeepWeights()
    clf = small_mlp(callbacks=[keeper, interrupt])
    with pytest.raises(KeyboardInterrupt, match="interrupted after 3 completed epoch"):
        clf.fit(X, Y)
    assert clf.n_iter_ == len(clf.history_["loss"]) == len(clf.history_["accuracy"]) == 3
    assert_weights_equal(clf.model_, keeper.per_epoch[2])
    assert clf.predict(X).shape == (64,)
    assert clf.score(X, Y) > 0.5


def test_interrupt_with_early_stopping_keeps_best_epoch():
    keeper = KeepWeights()
    clf = small_mlp(
        epochs=30, early_stopping=True, tol=0.0, n_iter_no_change=30,
        callbacks=[keeper, Interrupt(epoch=5, batch=0)],
    )
    with pytest.raises(KeyboardInterrupt, match=r"after 5 completed epoch.*best epoch"):
        clf.fit(X, Y)
    assert clf.n_iter_ == len(clf.history_["val_loss"]) == 5
    best = int(np.argmin(clf.history_["val_loss"]))
    assert_weights_equal(clf.model_, keeper.per_epoch[best])


def test_interrupt_adds_to_history_with_warm_start():
    clf = small_mlp(epochs=2, warm_start=True).fit(X, Y)
    clf.set_params(epochs=10, callbacks=[Interrupt(epoch=1)])
    with pytest.raises(KeyboardInterrupt, match="after 2 completed"):
        clf.fit(X, Y)
    assert clf.n_iter_ == len(clf.history_["loss"]) == 4


def test_interrupt_before_any_epoch_propagates_and_leaves_fresh_estimator_unfitted():
    clf = small_mlp(callbacks=[Interrupt(epoch=0, batch=1)])
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, Y)
    assert not hasattr(clf, "model_") and not hasattr(clf, "n_features_in_")
    with pytest.raises(NotFittedError):
        clf.predict(X)


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_interrupt_before_any_epoch_keeps_previous_fit(method):
    clf = LSTMTextClassifier(units=4, embedding_dim=4, epochs=2, batch_size=16,
                             random_state=0)
    clf.partial_fit(TOKENS, Y, classes=[0, 1]) if method == "partial_fit" else clf.fit(
        TOKENS, Y
    )
    before = dict(vars(clf))
    expected = clf.predict_proba(TOKENS)
    weights = clf.model_.get_weights()
    clf.set_params(callbacks=[Interrupt(epoch=0, batch=2)])
    with pytest.raises(KeyboardInterrupt):
        getattr(clf, method)(TOKENS[:40], Y[:40])
    clf.set_params(callbacks=None)
    before["callbacks"] = None
    assert vars(clf).keys() == before.keys()
    assert all(vars(clf)[k] is v for k, v in before.items())
    assert_weights_equal(clf.model_, weights)
    np.testing.assert_array_equal(clf.predict_proba(TOKENS), expected)


@pytest.mark.parametrize(
    "params, scale",
    [({"learning_rate": 1e6, "optimizer": "sgd"}, 1.0), ({}, 1e30)],
    ids=["learning-rate-1e6", "inputs-times-1e30"],
)
def test_nan_loss_fails_cleanly(params, scale):
    target = X[:, 0] * 3 + 1
    fresh = MLPTextRegressor(hidden_layer_sizes=(4,), epochs=8, random_state=0, **params)
    with pytest.raises(ValueError, match=r"NaN or infinite .* Try a lower learning_rate"):
        fresh.fit(X * scale, target)
    assert vars(fresh).keys() == fresh.get_params().keys()  # nothing half-fitted

    fitted = MLPTextRegressor(hidden_layer_sizes=(4,), epochs=2, random_state=0).fit(
        X, target
    )
    expected, history = fitted.predict(X), fitted.history_
    fitted.set_params(**params)
    with pytest.raises(ValueError, match="lower learning_rate"):
        fitted.fit(X * scale, target)
    assert fitted.history_ is history and fitted.n_iter_ == 2
    np.testing.assert_array_equal(fitted.predict(X), expected)
