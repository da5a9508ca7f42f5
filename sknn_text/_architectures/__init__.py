"""One module per network architecture, each a room of its own.

A module here holds an architecture's encoder (a pure function from Keras
tensors to an :class:`~sknn_text._heads._base.Encoding`), the estimator half
that validates ``X`` and calls that encoder with the estimator's parameters,
the architecture's parameters with their constraints and documentation, and
its public estimators, one per task, each a head (``_heads``) combined with
the architecture. ``_inputs`` holds what the architectures share: feature
matrices and token-id or numeric sequences. The registry (``_registry``) lists
the modules; see "Adding an architecture" in the user guide.
"""
