"""Sphinx configuration of the sknn_text documentation.

Build (warnings are errors)::

    .venv/bin/python -m sphinx -W --keep-going -b html docs docs/_build/html

The gallery runs every ``examples/plot_*.py`` script in its quick mode
(``SKNN_TEXT_QUICK=1``: few epochs, little data), so a build takes about a minute.
"""

import os
import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))

# Before anything imports TensorFlow or runs an example.
os.environ.setdefault("SKNN_TEXT_QUICK", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Where plot_text_regression_gru.py looks for its data when run from examples/.
os.environ.setdefault(
    "SKNN_TEXT_SHARED_DATASETS", str(ROOT.parent / "shared" / "datasets")
)

import sknn_text  # noqa: E402  (after the environment above is set)

# -- Project -----------------------------------------------------------------
project = "sknn_text"
author = "the sknn_text developers"
copyright = "the sknn_text developers"
release = version = sknn_text.__version__

# -- General -----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "_api_estimators.rst",
    "auto_examples/*.ipynb",
    "**.ipynb_checkpoints",
]
default_role = "literal"

# The estimator sections of api.rst come from the registry (see below); the
# generated file is included, not a page of its own, but autosummary reads it.
autosummary_generate = ["api.rst", "_api_estimators.rst"]
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"

# numpydoc renders Parameters/Attributes; the class template lists the methods.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True

# -- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sknn_text {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path = []
html_show_sourcelink = False

# -- Gallery -----------------------------------------------------------------
def _examples_to_run():
    """Every ``plot_*`` script, less the GRU regression when its data is absent.

    That example calls ``sys.exit(0)`` without its data, which would end the
    whole Sphinx process (sphinx-gallery catches ``Exception`` only); it is then
    rendered without being run.
    """
    scale = Path(os.environ["SKNN_TEXT_SHARED_DATASETS"]) / "pang_lee_scale_v1"
    if (scale / "data.csv.gz").is_file():
        return r"plot_"
    return r"plot_(?!text_regression_gru\.py)"


sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": _examples_to_run(),
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("sknn_text",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sknn_text": None},
    "download_all_examples": False,
    "remove_config_comments": True,
}

# -- The estimators of the API page, from the registry ---------------------------


def _estimator_sections():
    """One autosummary section per task of the registry, aliases last."""
    from sknn_text._registry import TASKS, built_in_families

    sections = []
    for task, title in TASKS.items():
        names = [f.estimators[task] for f in built_in_families() if task in f.estimators]
        aliases = [
            alias
            for f in built_in_families()
            for alias, name in f.aliases.items()
            if name in names
        ]
        sections.append(
            f"{title}\n{'=' * len(title)}\n\n.. autosummary::\n   :toctree: generated/\n\n"
            + "".join(f"   {name}\n" for name in [*names, *aliases])
        )
    return ".. currentmodule:: sknn_text\n\n" + "\n".join(sections)


(DOCS / "generated").mkdir(exist_ok=True)
(DOCS / "_api_estimators.rst").write_text(_estimator_sections())

# -- Keep the API page complete ----------------------------------------------


def _check_api_page(app):
    """Warn (an error under -W) for a public name that api.rst does not list."""
    pages = (DOCS / "api.rst", DOCS / "_api_estimators.rst")
    listed = {
        name
        for page in pages
        for name in re.findall(r"^\s+([A-Za-z_][\w.]*)\s*$", page.read_text(), re.MULTILINE)
    }
    missing = [
        name
        for name in sknn_text.__all__
        if not name.startswith("__") and name not in listed
    ]
    if missing:
        from sphinx.util import logging

        logging.getLogger(__name__).warning(
            "docs/api.rst does not list the public name(s) %s of sknn_text.__all__; "
            "add one line per name to an autosummary block.",
            ", ".join(missing),
        )


# -- Docstrings written for another documentation site ------------------------

# scikit-learn's docstrings (inherited methods: score, set_output, the
# set_*_request methods) point at labels and glossary terms of scikit-learn's
# own site; without network access for intersphinx, keep just their text.
_FOREIGN_REFERENCE = re.compile(r":(?:ref|term|doc):`([^`<]*?)\s*(?:<[^`>]*>)?`")
# ``of shape (n_features_in_,)``: a word ending in "_" is a reST reference.
_SHAPE = re.compile(r"shape \(([^)]*)\)")
_TRAILING_UNDERSCORE = re.compile(r"\b(\w*[A-Za-z0-9])_(?=\s*[,)]|$)")


def _clean_docstring(app, what, name, obj, options, lines):
    text = "\n".join(lines)
    module = getattr(obj, "__module__", None) or ""
    if module.startswith("sklearn"):
        text = _FOREIGN_REFERENCE.sub(lambda match: match.group(1), text)
    text = _SHAPE.sub(
        lambda match: (
            "shape (" + _TRAILING_UNDERSCORE.sub(r"\1\\_", match.group(1)) + ")"
        ),
        text,
    )
    lines[:] = text.split("\n")


def setup(app):
    app.connect("builder-inited", _check_api_page)
    app.connect("autodoc-process-docstring", _clean_docstring)
