"""Persistence: how a fitted estimator leaves the process and comes back.

* ``io``: the public ``sknn_text.save``, ``sknn_text.load`` and
  ``skops_trusted_types`` (at the top of the package: loading resolves
  registry names);
* ``persistable``: ``PersistableNetwork``, the base that gives every network
  estimator its pickled state, ``save`` and ``export``;
* ``file_format``: the code-free sknn_text file (a zip archive of JSON and the
  ``.keras`` network), written and read;
* ``encoding``: parameters and fitted attributes as tagged JSON;
* ``model_bytes``: a Keras model as the bytes of its ``.keras`` file, loaded
  back in safe mode;
* ``export``: the network for serving (ONNX, TensorFlow SavedModel).

The modules are imported by their own names (``from .._saving.file_format
import ...``); this file re-exports nothing.
"""
