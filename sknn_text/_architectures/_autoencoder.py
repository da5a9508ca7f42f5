"""The MLP autoencoder: compression of document-feature matrices.

The MLP's encoder (``_mlp.ENCODER``) on a feature matrix (``FeatureInput``: a
dense or CSR matrix, read one sparse mini-batch at a time) under the
compression head (``_heads._autoencoder``): ``X -> hidden layers -> code ->
reconstruction``.
"""

from __future__ import annotations

from .._composition import compose
from .._heads._autoencoder import AutoencoderHead
from ._features import FeatureInput
from ._mlp import ENCODER

MLPTextAutoencoder = compose(
    "MLPTextAutoencoder",
    head=AutoencoderHead,
    inputs=FeatureInput,
    encoder=ENCODER,
    module=__name__,
    defaults={"hidden_layer_sizes": (), "batch_size": "auto"},
    docs={
        "hidden_layer_sizes": (
            "int or tuple of int",
            """Units of each hidden layer of the encoder, before the code.
            ``()`` means none: the code reads the features directly.""",
        )
    },
    doc="""Autoencoder that compresses document-feature matrices into dense codes.

    Feed it TF-IDF or count features, dense or sparse: ``transform`` returns a
    code of ``n_components`` numbers per document, for any scikit-learn model
    downstream in a ``Pipeline`` (as :class:`~sklearn.decomposition.TruncatedSVD`,
    LSA, does), and ``inverse_transform`` reconstructs the rows from their codes.

    Notes
    -----
    The encoder is ``hidden_layer_sizes`` layers (none by default: the code
    reads the features directly), the decoder one layer from the code to the
    features. With the default ``loss="multinomial"``, a document is read as a
    distribution over its features and the decoder as a softmax over them, the
    likelihood of topic models; see the user guide, "Compressing documents",
    for how it compares with LSA.

    Every row of ``X`` is scaled to unit L2 norm before it is encoded (as
    ``TfidfVectorizer`` does by default), so that a document's code depends on
    the mix of its words, not on its length; ``inverse_transform`` returns
    unit-norm rows. The decoder has one weight per feature and code unit: its
    cost grows with the width of ``X``, which a vectorizer's ``max_features``
    bounds.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sknn_text import MLPTextAutoencoder
    >>> texts = ["a great film", "a dull film", "great acting", "dull plot"] * 10
    >>> labels = ["pos", "neg", "pos", "neg"] * 10
    >>> codes = MLPTextAutoencoder(n_components=2, epochs=50, random_state=0)
    >>> codes.fit_transform(TfidfVectorizer().fit_transform(texts)).shape
    (40, 2)
    >>> model = make_pipeline(TfidfVectorizer(), codes, LogisticRegression())
    >>> model.fit(texts, labels).predict(["great film", "dull film"]).tolist()
    ['pos', 'neg']
    """,
)
