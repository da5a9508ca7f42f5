"""The training loop and its parts: how a compiled network is trained.

``_base.BaseTextNetwork.fit`` prepares the data and the network, then hands
them to this room:

* ``training``: the epoch loop (:func:`~.training.run_epochs`), what it returns
  (``EpochLog``) and the constructor parameters that drive it;
* ``schedule``: when training stops (``epochs="auto"``, early stopping, the
  validation split) and what a fit reports as it goes (``Progress``);
* ``data``: validated ``X``/``y`` as mini-batches, and prediction in batches;
* ``optimizers``: the optimizers behind the ``optimizer`` parameter;
* ``interrupts``: Ctrl-C as a flag read at safe points;
* ``state``: a fit that raises leaves the estimator as it was.

The modules are imported by their own names (``from .._loop.data import
...``); this file re-exports nothing.
"""
