"""
Spam filtering: TF-IDF + MLP on SMS messages
============================================

The bundled SMS spam collection (Almeida et al. 2011, 5,574 messages, CC BY 4.0).
The TF-IDF matrix stays sparse: the MLP densifies one mini-batch at a time. Spam is
the rarer class, so ``class_weight="balanced"`` weighs it up; the confusion matrix
shows what is caught and what is lost.

Set ``SKNN_TEXT_QUICK=1`` for a few-second smoke run.
"""

# %%
import os

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import classification_report, confusion_matrix
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

# %%
print(confusion_matrix(y_test, predicted, labels=["ham", "spam"]))
print(classification_report(y_test, predicted, digits=3))
