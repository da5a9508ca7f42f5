"""Numpydoc fragments shared by the estimator docstrings.

The eight estimators share most parameters; each class docstring is assembled
here from one description per parameter so that they cannot drift apart.
"""

import string
import textwrap

PARAMETERS = {
    "hidden_layer_sizes": """\
hidden_layer_sizes : int or tuple of int, default=(100,)
    Units of each hidden layer. ``()`` means no hidden layer: a linear model
    (regressor) or a logistic regression (classifier).""",
    "activation": """\
activation : {"relu", "tanh", "logistic", "identity", "gelu"}, default="relu"
    Activation of $activation_of, named as in scikit-learn's MLP.""",
    "embedding_dim": """\
embedding_dim : int, default=$embedding_dim
    Width of the learned token embeddings$embedding_where. Pretrained
    ``embeddings`` bring their own width.""",
    "embeddings": """\
embeddings : WordVectors, gensim KeyedVectors or None, default=None
    Pretrained word vectors (see :func:`sknn_text.load_word_vectors`) that
    initialize the embedding layer; the token ids must come from
    ``TextTokenizer(vocabulary=embeddings)`` so that id ``i + 2`` is the word
    in row ``i``. Padding and unknown words start at zero.""",
    "freeze_embeddings": """\
freeze_embeddings : bool, default=False
    Keep pretrained ``embeddings`` fixed instead of fine-tuning them.""",
    "filters": """\
filters : int, default=64
    Convolution filters (feature maps) per kernel size.""",
    "kernel_sizes": """\
kernel_sizes : int or tuple of int, default=(3, 4, 5)
    Window widths, in tokens, of the parallel convolution branches; each
    branch is max-pooled over the real (unpadded) positions.""",
    "num_heads": """\
num_heads : int, default=4
    Attention heads of every encoder block.""",
    "feedforward_dim": """\
feedforward_dim : int, default=128
    Hidden units of each block's position-wise feed-forward network.""",
    "n_blocks": """\
n_blocks : int, default=1
    Number of stacked encoder blocks.""",
    "units": """\
units : int or tuple of int, default=64
    Units of the recurrent layer; a tuple stacks one layer per entry.""",
    "bidirectional": """\
bidirectional : bool, default=False
    Read every sequence in both directions (``keras.layers.Bidirectional``).""",
    "recurrent_dropout": """\
recurrent_dropout : float, default=0.0
    Dropout on the recurrent state. Any value above 0 rules out the fast
    cuDNN kernels on a GPU.""",
    "pooling": """\
pooling : {"last", "mean", "max", "attention"}, default="last"
    How the sequence of outputs becomes one vector: the state at the last real
    (non-padding) token, the mean or max over the real tokens, or a learned
    attention-weighted sum over them.""",
    "dropout": """\
dropout : float, default=$dropout
    Dropout rate, in [0, 1), $dropout_where.""",
    "alpha": """\
alpha : float, default=0.0001
    Strength of the L2 penalty on $penalized, scaled as in scikit-learn's MLP
    (``alpha / 2 * ||W||^2`` per batch, divided by the batch size).""",
    "epochs": """\
epochs : int, default=$epochs
    Maximum number of passes over the training data.""",
    "batch_size": """\
batch_size : int or "auto", default=$batch_size
    Samples per gradient step; ``"auto"`` means ``min(200, n_samples)``.""",
    "optimizer": """\
optimizer : str or keras.optimizers.Optimizer, default="adam"
    One of "adam", "adamw", "nadam", "rmsprop", "adagrad", "sgd", or an
    optimizer instance, which is cloned from its config at every fit (its own
    learning rate is then used). "adam" is Keras's Adam; on TensorFlow its
    dense updates run as one fused kernel, which saves memory and time.""",
    "learning_rate": """\
learning_rate : float, default=$learning_rate
    Step size of a named optimizer.""",
    "early_stopping": """\
early_stopping : bool, default=False
    Hold out ``validation_fraction`` of the training data (stratified for
    classifiers), stop when the validation loss has not improved by ``tol`` for
    ``n_iter_no_change`` epochs, and restore the weights of the best epoch.
    Without it, training stops when the training loss stalls the same way.""",
    "validation_fraction": """\
validation_fraction : float, default=0.1
    Share of the training data held out when ``early_stopping=True``.""",
    "n_iter_no_change": """\
n_iter_no_change : int, default=10
    Epochs without an improvement of at least ``tol`` before training stops.""",
    "tol": """\
tol : float, default=0.0001
    Smallest decrease of the monitored loss that counts as an improvement.""",
    "class_weight": """\
class_weight : dict, "balanced" or None, default=None
    Weights of the classes, multiplied into the per-sample weights; "balanced"
    uses ``n_samples / (n_classes * np.bincount(y))``.""",
    "warm_start": """\
warm_start : bool, default=False
    Start ``fit`` from the weights of the previous fit (with a fresh optimizer)
    instead of a new initialization.""",
    "random_state": """\
random_state : int, RandomState instance or None, default=None
    Seeds weight initialization, dropout, shuffling and the validation split.
    An int gives identical results on every fit; Keras's global random state
    is never touched.""",
    "verbose": """\
verbose : int or bool, default=0
    0 is silent, 1 shows a Keras progress bar, 2 one line per epoch.""",
    "callbacks": """\
callbacks : list of keras.callbacks.Callback or None, default=None
    Extra Keras callbacks run in every fit; the list itself is not modified.""",
}

MLP_PARAMETERS = ["hidden_layer_sizes", "activation", "dropout", "alpha"]
RECURRENT_PARAMETERS = [
    "embedding_dim",
    "units",
    "bidirectional",
    "dropout",
    "recurrent_dropout",
    "pooling",
    "embeddings",
    "freeze_embeddings",
    "alpha",
]
CNN_PARAMETERS = [
    "embedding_dim",
    "filters",
    "kernel_sizes",
    "activation",
    "dropout",
    "embeddings",
    "freeze_embeddings",
    "alpha",
]
TRANSFORMER_PARAMETERS = [
    "embedding_dim",
    "num_heads",
    "feedforward_dim",
    "n_blocks",
    "dropout",
    "embeddings",
    "freeze_embeddings",
    "alpha",
]
FASTTEXT_PARAMETERS = [
    "embedding_dim",
    "dropout",
    "embeddings",
    "freeze_embeddings",
    "alpha",
]
TRAINING_PARAMETERS = [
    "epochs",
    "batch_size",
    "optimizer",
    "learning_rate",
    "early_stopping",
    "validation_fraction",
    "n_iter_no_change",
    "tol",
    "warm_start",
    "random_state",
    "verbose",
    "callbacks",
]
_COMMON_DEFAULTS = {
    "batch_size": 32,
    "learning_rate": 0.001,
    "embedding_dim": 64,
    "embedding_where": " (token-id input only)",
}
MLP_DOC_DEFAULTS = {
    **_COMMON_DEFAULTS,
    "activation_of": "the hidden layers",
    "dropout": 0.0,
    "dropout_where": "after every hidden layer",
    "penalized": "every layer's kernel",
    "epochs": 20,
    "batch_size": 32,
}
RECURRENT_DOC_DEFAULTS = {
    **_COMMON_DEFAULTS,
    "dropout": 0.0,
    "dropout_where": "on the input of every recurrent layer and before the output",
    "penalized": "the output layer's kernel",
    "epochs": 10,
    "batch_size": 32,
}
CNN_DOC_DEFAULTS = {
    **_COMMON_DEFAULTS,
    "activation_of": "the convolutions",
    "dropout": 0.5,
    "dropout_where": "on the pooled features before the output layer",
    "penalized": "the output layer's kernel",
    "epochs": 10,
}
TRANSFORMER_DOC_DEFAULTS = {
    **_COMMON_DEFAULTS,
    "embedding_where": " and of every encoder block (numeric steps are projected to it)",
    "dropout": 0.1,
    "dropout_where": "on the attention weights, inside every block and before the output",
    "penalized": "the output layer's kernel",
    "epochs": 10,
}
FASTTEXT_DOC_DEFAULTS = {
    **_COMMON_DEFAULTS,
    "embedding_where": " of tokens, n-grams or features: the width of the document vector",
    "dropout": 0.0,
    "dropout_where": "on the document vector",
    "penalized": "the output layer's kernel",
    "epochs": 5,
    "learning_rate": 0.01,
}

FITTED_ATTRIBUTES = """\
model_ : keras.Model
    The trained network.
history_ : dict of str to list of float
    Per-epoch metrics (``loss``, ``accuracy``, ``val_loss``...), accumulated
    over ``warm_start`` and ``partial_fit`` calls.
n_iter_ : int
    Number of epochs run.
n_features_in_ : int
    Number of features (columns, or time steps for sequences) seen in fit.
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Column names, when ``X`` in fit was a DataFrame with string column names."""

CLASSES_ATTRIBUTE = """\
classes_ : ndarray of shape (n_classes,)
    Class labels (label indices for multilabel ``y``)."""


def _indent(text):
    return textwrap.indent(text, "    ")


def compose(summary, *, parameters, defaults, attributes, notes, examples):
    """Assemble a numpydoc class docstring from shared fragments.

    ``defaults`` fills the ``$placeholders`` of fragments whose default or
    wording differs between estimators.
    """
    sections = [
        textwrap.dedent(summary).strip(),
        "Parameters\n----------\n"
        + "\n".join(string.Template(PARAMETERS[name]).substitute(defaults) for name in parameters),
        "Attributes\n----------\n" + attributes,
        "Notes\n-----\n" + textwrap.dedent(notes).strip(),
        "Examples\n--------\n" + textwrap.dedent(examples).strip(),
    ]
    return _indent("\n\n".join(sections)).lstrip() + "\n"
