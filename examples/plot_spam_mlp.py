"""
Spam filtering: TF-IDF + MLP on SMS messages
============================================

The bundled SMS spam collection (Almeida et al. 2011, 5,574 messages, CC BY 4.0).
The TF-IDF matrix stays sparse: the MLP densifies one mini-batch at a time. Spam is
the rarer class, so ``class_weight="balanced"`` weighs it up; the confusion matrix
shows what is caught and what is lost.

The gallery runs every example with the settings written in it; ``SKNN_TEXT_QUICK=1``
turns them into a few-second smoke run (how the test suite runs them).
"""

# %%
import os

import matplotlib.pyplot as plt
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import ConfusionMatrixDisplay, PrecisionRecallDisplay, classification_report
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sknn_text import MLPTextClassifier
from sknn_text.datasets import load_sms_spam

QUICK = os.environ.get("SKNN_TEXT_QUICK") == "1"

texts, labels = load_sms_spam(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    texts, labels, test_size=0.25, stratify=labels, random_state=0
)
model = make_pipeline(
    TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
    MLPTextClassifier(
        hidden_layer_sizes=(64,), dropout=0.3, epochs=1 if QUICK else 5,
        class_weight="balanced", random_state=0,
    ),
)
model.fit(X_train, y_train)
predicted = model.predict(X_test)
print(classification_report(y_test, predicted, digits=3))

# %%
# Left, the test messages by true and predicted class; right, the precision and
# recall of "spam" at every threshold on the predicted probability (``predict``
# uses 0.5).
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
ConfusionMatrixDisplay.from_predictions(
    y_test, predicted, labels=["ham", "spam"], ax=left, colorbar=False
)
PrecisionRecallDisplay.from_estimator(model, X_test, y_test, pos_label="spam", ax=right)
right.set_title("spam, test set")
fig.tight_layout()
plt.show()
