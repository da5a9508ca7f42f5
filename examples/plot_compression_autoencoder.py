"""
Compressing documents: a 2-D autoencoder code against LSA on BBC news
=====================================================================

``MLPTextAutoencoder`` learns a small dense code for each document: it squeezes
each TF-IDF row through ``n_components`` units and learns to reconstruct the row
from them. Here the code has two numbers per document, so the whole collection can
be drawn, each article coloured by its section (which the autoencoder never sees).
Beside it, the two components of ``TruncatedSVD`` (LSA) on the same TF-IDF.

**The data do not ship with sknn_text.** The BBC news articles (Greene & Cunningham
2006, 2,225 articles from 2004-2005 in five sections: business, entertainment,
politics, sport, tech) are free for non-commercial research. The example reads
``bbc_news/data.csv.gz`` under the folder that the environment variable
``SKNN_TEXT_SHARED_DATASETS`` names (``shared/datasets`` beside the repository by
default): a gzip'd UTF-8 CSV with a header row and the columns ``text`` (the article,
its title on the first line) and ``label`` (its section). Where that file is absent
the example prints so and stops.

The gallery runs every example with the settings written in it; ``SKNN_TEXT_QUICK=1``
turns them into a few-second smoke run (how the test suite runs them).
"""

# %%
import csv
import gzip
import os
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

from sknn_text import MLPTextAutoencoder

QUICK = os.environ.get("SKNN_TEXT_QUICK") == "1"
here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
shared = Path(os.environ.get("SKNN_TEXT_SHARED_DATASETS", here.parents[1] / "shared" / "datasets"))
# The file read, under ``shared``. docs/conf.py reads this line without running the
# script: the documentation build leaves the example unrun where it is missing.
SHARED_FILES = {"data": "bbc_news/data.csv.gz"}
path = shared / SHARED_FILES["data"]
if not path.is_file():
    print(f"{path} not found (see the introduction); skipping the example.")
    sys.exit(0)

with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
    rows = list(csv.DictReader(handle))
if QUICK:
    rows = rows[::10]
texts = [row["text"] for row in rows]
labels = np.array([row["label"] for row in rows])
X = TfidfVectorizer(min_df=2, sublinear_tf=True, max_features=10000).fit_transform(texts)
print(f"{X.shape[0]} articles, {X.shape[1]} TF-IDF features")

# %%
# Two components each. The autoencoder trains until its validation loss stops
# improving (``epochs="auto"``); LSA is one truncated SVD.
autoencoder = MLPTextAutoencoder(n_components=2, epochs=5 if QUICK else "auto", random_state=0)
codes = {
    "MLPTextAutoencoder(2)": autoencoder.fit_transform(X),
    "TruncatedSVD(2), LSA": TruncatedSVD(2, random_state=0).fit_transform(X),
}

# %%
# How well does each 2-D code separate the sections? A logistic regression on the
# two numbers alone, 5-fold cross-validated.
for name, code in codes.items():
    accuracy = cross_val_score(LogisticRegression(max_iter=1000), code, labels, cv=5).mean()
    print(f"{name}: accuracy of LR on the 2-D code {accuracy:.3f}")

# %%
# Read the two numbers above for what they are. With only two components, LSA
# keeps the two directions of largest variance of the TF-IDF rows, and on these
# articles they separate the sections better than the autoencoder's two-number
# code, whose fit also stopped at its epoch cap (the warning above:
# ``max_epochs`` raises the cap and keeps the stopping rule). The autoencoder is
# made for codes of tens to hundreds of numbers: at 100 components, a logistic
# regression on its codes matched or beat one on LSA's on the three sets of
# ``benchmarks/bench_compression.py`` (see the user guide, "Compressing
# documents").
#
# Each article is a point; the colour is its section.
fig, axes = plt.subplots(1, 2, figsize=(11, 5))
for ax, (name, code) in zip(axes, codes.items(), strict=True):
    for section in np.unique(labels):
        chosen = labels == section
        ax.scatter(code[chosen, 0], code[chosen, 1], s=6, alpha=0.6, label=section)
    ax.set_title(name)
    ax.set_xticks([])
    ax.set_yticks([])
axes[0].legend(markerscale=3, loc="best")
fig.tight_layout()
plt.show()
