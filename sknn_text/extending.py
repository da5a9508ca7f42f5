"""What a new architecture or task is built from: the public extension API.

An estimator of sknn_text is composed of three values (:func:`compose`):

* an :class:`Encoder`, the architecture: the parameters it declares
  (:class:`Parameter`) and a function that builds its layers on a
  :class:`Source` (the network's first tensors) and returns an
  :class:`Encoding`: one vector per position, or per document;
* an input kind, which checks ``X`` and hands the encoder its ``Source``:
  :class:`SequenceInput` (token ids and numeric series: embedding,
  pretrained vectors, the unknown-word rule), :class:`TokenInput` (a
  tagger's sentences of tokens), :class:`FeatureInput` (TF-IDF and other
  feature matrices, dense or sparse); a language model's head reads raw texts
  itself (pass :class:`TextInput`, whose ``tokenizer()`` numbers texts as the
  model does, or :class:`BaseTextNetwork`);
* a head, the task: :class:`ClassifierHead`, :class:`RegressorHead`,
  :class:`TaggerHead`, :class:`LanguageModelHead`. It encodes ``y``, builds
  the output on the encoding and decodes predictions.

An encoder that declares a :class:`Pretraining` lets a fitted language model
of it start its classifiers, regressors and taggers (their ``pretrained``
parameter; see the user guide, "Pretraining on your own texts").

A new architecture is one encoder, and every task's estimator is one
:func:`compose` call; a :class:`Family` entry passed to :func:`register`
makes ``save``/``load``, ``compare`` and ``sknn-text compare`` know them.
Everything the user guide's "Adding an architecture" needs comes from here;
the modules behind these names are private and may move.

* The encoders' building blocks of the built-in architectures, to reuse:
  :func:`encode_recurrent`, :func:`encode_convolutional`,
  :func:`encode_transformer`.
* :class:`Seeds` hands out the seeds of every initializer and dropout layer,
  so that an int ``random_state`` gives identical networks.
* :class:`BaseTextNetwork` owns ``fit``, ``partial_fit``, the epoch loop and
  the failed-fit guarantee; :func:`parameters` and :func:`estimator` write
  ``__init__`` (and a public estimator's docstring) from annotated class
  attributes, for an input kind or head of your own.
  :func:`validate_feature_matrix` checks a feature matrix.

Importing this module imports Keras (``import sknn_text`` does not).
"""

from ._architectures._cnn import encode_convolutional
from ._architectures._features import FeatureInput
from ._architectures._inputs import SequenceInput, validate_feature_matrix
from ._architectures._recurrent import encode_recurrent
from ._architectures._texts import TextInput
from ._architectures._tokens import TokenInput
from ._architectures._transformer import encode_transformer
from ._base import BaseTextNetwork
from ._composition import Encoder, Parameter, Pretraining, Source, compose
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
    "Encoder",
    "Encoding",
    "Family",
    "FeatureInput",
    "LanguageModelHead",
    "OutputSpec",
    "Parameter",
    "Pretraining",
    "RegressorHead",
    "Seeds",
    "SequenceInput",
    "Source",
    "TaggerHead",
    "TextInput",
    "TokenInput",
    "compose",
    "encode_convolutional",
    "encode_recurrent",
    "encode_transformer",
    "estimator",
    "parameters",
    "register",
    "unregister",
    "validate_feature_matrix",
]
