"""
The lecture's "hello world": a 256-128-10 MLP on handwritten digits
====================================================================

scikit-learn's 8x8 digits stand in for MNIST (they ship with scikit-learn, so this
runs offline). The network has the lecture's shape: two hidden ReLU layers of 256
and 128 units and a 10-way softmax. On MNIST's 784 inputs it would have exactly
235,146 parameters; on 64 inputs it has 50,826.

Set ``SKNN_TEXT_QUICK=1`` for a few-second smoke run.
"""

# %%
import os

from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

from sknn_text import MLPTextClassifier

QUICK = os.environ.get("SKNN_TEXT_QUICK") == "1"

X, y = load_digits(return_X_y=True)
X = MinMaxScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

# %%
# Train it like any scikit-learn classifier.
mlp = MLPTextClassifier(
    hidden_layer_sizes=(256, 128), epochs=2 if QUICK else 30, random_state=0
)
mlp.fit(X_train, y_train)
mlp.model_.summary()
print(f"trainable parameters: {mlp.model_.count_params():,}")
print(f"test accuracy: {mlp.score(X_test, y_test):.3f}")
