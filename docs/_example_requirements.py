"""What each gallery example needs beyond sknn_text, read from its source without running it.

Two kinds of need are recognised, both written at the top level of the script:

* files of the shared datasets folder, declared by one assignment whose value is a
  literal (paths relative to that folder)::

      SHARED_FILES = {"train": "conll2000/train.txt.gz", "test": "conll2000/test.txt"}

* an optional package, imported inside a ``try`` whose ``except ImportError`` stops
  the script.

Such a script calls ``sys.exit(0)`` when a need is missing. Run by sphinx-gallery,
which catches ``Exception`` only, that call would end the whole Sphinx process
(exit status 0, no page written), so ``docs/conf.py`` leaves these examples out of
the gallery run and marks their pages; ``tests/test_examples.py`` checks that every
example reading shared data declares it here. Standard library only: the tests
import this module without Sphinx.
"""

import ast
import importlib.util
import os
import re
from pathlib import Path

#: The module-level name under which an example lists its shared files.
DECLARATION = "SHARED_FILES"


def _catches_import_error(handler):
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        isinstance(name, ast.Name) and name.id in ("ImportError", "ModuleNotFoundError")
        for name in names
    )


def requirements(script):
    """``(shared_files, packages)`` that the example ``script`` declares, in source order."""
    tree = ast.parse(Path(script).read_text(encoding="utf-8"), filename=str(script))
    files, packages = [], []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == DECLARATION for target in node.targets
        ):
            value = ast.literal_eval(node.value)  # a literal, or this raises: keep it one
            files.extend(value.values() if isinstance(value, dict) else value)
        elif isinstance(node, ast.Try) and any(map(_catches_import_error, node.handlers)):
            for statement in node.body:
                if isinstance(statement, ast.Import):
                    packages.extend(alias.name for alias in statement.names)
                elif isinstance(statement, ast.ImportFrom) and not statement.level:
                    packages.append(statement.module)
    return files, [name.split(".")[0] for name in packages]


def missing(script, shared):
    """What ``script`` needs and does not find (empty: nothing).

    Shared files as declared (``"conll2000/test.txt"``), packages as ``"the X package"``.
    """
    files, packages = requirements(script)
    absent = [name for name in files if not (Path(shared) / name).is_file()]
    absent += [
        f"the {name} package" for name in packages if importlib.util.find_spec(name) is None
    ]
    return absent


def unmet(examples, shared):
    """``{script name: missing(...)}`` for each ``examples/plot_*.py`` that lacks something."""
    scripts = sorted(Path(examples).glob("plot_*.py"))
    found = {script.name: missing(script, shared) for script in scripts}
    return {name: absent for name, absent in found.items() if absent}


def filename_pattern(skipped):
    """sphinx-gallery's ``filename_pattern``: every ``plot_*`` script but those of ``skipped``.

    sphinx-gallery runs the scripts whose full path the pattern ``re.search``-es.
    """
    pattern = re.escape(os.sep) + "plot_"
    if not skipped:
        return pattern
    names = "|".join(re.escape(name) for name in sorted(skipped))
    return rf"{re.escape(os.sep)}(?!(?:{names})$)plot_"
