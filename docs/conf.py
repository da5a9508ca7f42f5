"""Sphinx configuration of the sknn_text documentation.

Build (warnings are errors)::

    .venv/bin/python -m sphinx -W --keep-going -b html docs docs/_build/html

The gallery runs every ``examples/plot_*.py`` script with the settings written in
it (real data, real epochs: a build takes a few minutes on two CPU cores); set
``SKNN_TEXT_QUICK=1`` for a smoke build in about a minute, whose scores mean
nothing. An example whose data (``SKNN_TEXT_SHARED_DATASETS``, by default
``shared/datasets`` beside the repository) or optional package is absent is shown
without being run, with a warning box on its page and a line on stderr (see
``_example_requirements.py``). Formulas are drawn by a local copy of MathJax,
fetched from the npm registry on the first build (``npm`` must be on the PATH), so
the pages need no network to show them.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))

# Where the examples that read shared/datasets look for them.
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
html_show_sourcelink = False

# -- Formulas, offline ---------------------------------------------------------
MATHJAX_VERSION = "3.2.2"
VENDOR = DOCS / "_vendor"  # ignored by git; copied into the site's _static/


def _local_mathjax():
    """MathJax's single-file SVG build (fonts included), from npm on first use."""
    target = VENDOR / "mathjax" / "tex-svg.js"
    if target.is_file():
        return target
    with tempfile.TemporaryDirectory() as folder:
        try:
            subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--silent",
                 "--prefix", folder, f"mathjax@{MATHJAX_VERSION}"],
                check=True,
            )
        except (OSError, subprocess.CalledProcessError) as error:
            raise RuntimeError(
                "The documentation draws formulas with a local MathJax, fetched from "
                f"the npm registry ({error}). Install Node.js and npm, or copy "
                f"MathJax {MATHJAX_VERSION}'s es5/tex-svg.js to {target}."
            ) from None
        package = Path(folder) / "node_modules" / "mathjax"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(package / "LICENSE", target.parent / "LICENSE")
        shutil.copy(package / "es5" / "tex-svg.js", target)
    return target


html_static_path = [str(VENDOR)]
mathjax_path = _local_mathjax().relative_to(VENDOR).as_posix()  # relative: in _static/

# -- Gallery -----------------------------------------------------------------
sys.path.insert(0, str(DOCS))  # for the helper module below
from _example_requirements import filename_pattern, requirements, unmet  # noqa: E402

EXAMPLES = ROOT / "examples"
#: Examples whose shared data (declared by their ``SHARED_FILES``) or optional
#: package is absent here, with what they lack. Such a script stops with
#: ``sys.exit(0)``, which would end the whole Sphinx process (sphinx-gallery catches
#: ``Exception`` only), so the gallery shows it without running it, and says so.
SKIPPED_EXAMPLES = unmet(EXAMPLES, Path(os.environ["SKNN_TEXT_SHARED_DATASETS"]))


def _gallery_runs(app):
    return bool(app.config.sphinx_gallery_conf.get("plot_gallery"))


def _report_skipped_examples(app):
    """Name the examples left unrun, on stderr: visible under -q, not a warning (-W)."""
    if not _gallery_runs(app):
        return
    shared = os.environ["SKNN_TEXT_SHARED_DATASETS"]
    for name, absent in SKIPPED_EXAMPLES.items():
        print(
            f"sknn_text docs: examples/{name} is not run: {', '.join(absent)} not found "
            f"(shared datasets folder: {shared}, set by SKNN_TEXT_SHARED_DATASETS); "
            "its page shows the code with a note.",
            file=sys.stderr,
        )


def _note_skipped_example(app, docname, source):
    """Put a warning box under the title of the page of an example left unrun."""
    name = docname.removeprefix("auto_examples/") + ".py"
    if not docname.startswith("auto_examples/") or name not in SKIPPED_EXAMPLES:
        return
    if not _gallery_runs(app):
        return
    earlier = "sphx-glr-script-out" in source[0]  # sphinx-gallery kept an older run's output
    note = (
        "\n.. warning::\n\n"
        f"   This example was not run when this page was built: "
        f"{', '.join(SKIPPED_EXAMPLES[name])} not found. "
        + (
            "The output below comes from an earlier build."
            if earlier
            else "The code is shown without its output."
        )
        + " The introduction says what it needs and where to get it.\n"
    )
    title = re.search(r"^[^\n]+\n=+\n", source[0], re.MULTILINE)
    at = title.end() if title else len(source[0])
    source[0] = source[0][:at] + note + source[0][at:]


def _reread_examples_with_needs(app, env, added, changed, removed):
    """Re-read the pages of the examples that may be skipped, so the note follows the data."""
    return [
        f"auto_examples/{script.stem}"
        for script in sorted(EXAMPLES.glob("plot_*.py"))
        if any(requirements(script))
    ]


sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": filename_pattern(SKIPPED_EXAMPLES),
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("sknn_text",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sknn_text": None},
    "download_all_examples": False,
    "remove_config_comments": True,
    # Its page of run times loads scripts from CDNs: the site must work offline.
    "write_computation_times": False,
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


def _check_offline(app, exception):
    """Warn (an error under -W) for a page that loads a script or style from the web."""
    if exception is not None or app.builder.format != "html":
        return
    remote = re.compile(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"')
    for page in sorted(Path(app.outdir).rglob("*.html")):
        found = remote.findall(page.read_text(encoding="utf-8"))
        if found:
            from sphinx.util import logging

            logging.getLogger(__name__).warning(
                "%s loads %s from the web; the documentation must work offline.",
                page.relative_to(app.outdir), ", ".join(sorted(set(found))),
            )


def setup(app):
    app.connect("builder-inited", _check_api_page)
    app.connect("builder-inited", _report_skipped_examples)
    app.connect("source-read", _note_skipped_example)
    app.connect("env-get-outdated", _reread_examples_with_needs)
    app.connect("build-finished", _check_offline)
    app.connect("autodoc-process-docstring", _clean_docstring)
