"""
The lecture's "hello world": a 256-128-10 MLP on handwritten digits
====================================================================

scikit-learn's 8x8 digits stand in for MNIST (they ship with scikit-learn, so this
runs offline). The network has the lecture's shape: two hidden ReLU layers of 256
and 128 units and a 10-way softmax. On MNIST's 784 inputs it would have exactly
235,146 parameters; on 64 inputs it has 50,826.

The gallery runs every example with the settings written in it; ``SKNN_TEXT_QUICK=1``
turns them into a few-second smoke run (how the test suite runs them).
"""

# %%
import os

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

from sknn_text import MLPTextClassifier
from sknn_text.plotting import TrainingCurveDisplay

QUICK = os.environ.get("SKNN_TEXT_QUICK") == "1"

X, y = load_digits(return_X_y=True)
X = MinMaxScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

# %%
# Train it like any scikit-learn classifier. With ``early_stopping=True`` a
# tenth of the training set is held out; training stops once its loss has not
# improved for ``n_iter_no_change`` epochs, and the best epoch's weights are kept.
mlp = MLPTextClassifier(
    hidden_layer_sizes=(256, 128), epochs=2 if QUICK else 60, early_stopping=True,
    n_iter_no_change=8, random_state=0,
)
mlp.fit(X_train, y_train)
mlp.model_.summary()
print(f"trainable parameters: {mlp.model_.count_params():,}")
print(f"trained for {mlp.n_iter_} epochs")
print(f"test accuracy: {mlp.score(X_test, y_test):.3f}")

# %%
# The loss per epoch on the training and held-out parts, and the test digits
# the network confuses.
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
TrainingCurveDisplay.from_estimator(mlp, metric="loss", ax=left)
ConfusionMatrixDisplay.from_estimator(mlp, X_test, y_test, ax=right, colorbar=False)
right.set_title("test set")
fig.tight_layout()
plt.show()
