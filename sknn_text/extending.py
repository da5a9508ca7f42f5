"""What a new architecture or task is built from: the public extension API.

An estimator of sknn_text is a *head* (the task: how ``y`` is encoded, the
output layer and loss, what ``predict`` returns) on an *architecture* (how
``X`` is checked and encoded), both declared with :func:`parameters`, and a
:class:`Family` entry that the package learns of through :func:`register`.
Everything the user guide's "Adding an architecture" needs comes from here;
the modules behind these names are private and may move.

* :class:`BaseTextNetwork`: the base of every architecture, which owns ``fit``,
  ``partial_fit``, the epoch loop and the failed-fit guarantee. An
  architecture provides ``_validate_X(X, *, reset)`` and ``_encode(seeds, *,
  l2, per_step)``, which returns an :class:`Encoding`.
* :class:`SequenceInput`: a ready-made architecture base for token ids and
  numeric series (embedding, pretrained vectors, the unknown-word rule);
  call its ``_embedded_input(seeds)`` in ``_encode``.
  :func:`validate_feature_matrix` is ``_validate_X`` for TF-IDF and other
  feature matrices.
* The heads: :class:`ClassifierHead`, :class:`RegressorHead`,
  :class:`TaggerHead`, :class:`LanguageModelHead`; the first base of an
  estimator, as in ``class MyTextClassifier(ClassifierHead, MyNetwork)``.
* The encoders of the built-in architectures, to reuse in a new one:
  :func:`encode_recurrent`, :func:`encode_convolutional`,
  :func:`encode_transformer`.
* :class:`Seeds` hands out the seeds of every initializer and dropout layer,
  so that an int ``random_state`` gives identical networks.
* :func:`parameters` and :func:`estimator` write ``__init__`` (and, for a
  public estimator, the docstring) from annotated class attributes.
* :class:`Family`, :class:`CompareEntry`, :func:`register` and
  :func:`unregister`: the registry, through which ``save``/``load``,
  ``compare`` and ``sknn-text compare`` know the new estimators.

Importing this module imports Keras (``import sknn_text`` does not).
"""

from ._architectures._cnn import encode_convolutional
from ._architectures._inputs import SequenceInput, validate_feature_matrix
from ._architectures._recurrent import encode_recurrent
from ._architectures._transformer import encode_transformer
from ._base import BaseTextNetwork
from ._heads._base import Encoding, OutputSpec
from ._heads._classifier import ClassifierHead
from ._heads._language_model import LanguageModelHead
from ._heads._regressor import RegressorHead
from ._heads._tagger import TaggerHead
from ._layers import Seeds
from ._params import estimator, parameters
from ._registry import CompareEntry, Family, register, unregister

__all__ = [
    "BaseTextNetwork",
    "ClassifierHead",
    "CompareEntry",
    "Encoding",
    "Family",
    "LanguageModelHead",
    "OutputSpec",
    "RegressorHead",
    "Seeds",
    "SequenceInput",
    "TaggerHead",
    "encode_convolutional",
    "encode_recurrent",
    "encode_transformer",
    "estimator",
    "parameters",
    "register",
    "unregister",
    "validate_feature_matrix",
]
