"""Output heads: what sits on an encoder's outputs, and the task each serves.

An architecture (``sknn_text._architectures``) turns inputs into an
:class:`~sknn_text._heads._base.Encoding`: one vector per document, or one
vector per position with a padding mask. A head turns that into the network's
outputs and owns the task around them: how ``y`` is encoded for training, the
loss, and what ``predict`` returns.

* ``_base``: the :class:`Encoding` seam, :class:`OutputSpec` and the output layer;
* ``_document``: one output per document (pooling, dropout, output layer);
* ``_classifier`` and ``_regressor``: the document tasks built on it;
* ``_language_model``: next-token prediction at every position, on raw texts
  (its tokenizer is ``_text_stream``, its sampling ``_sampling``).
"""
