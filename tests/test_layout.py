"""The package's layout: imports only run downward, modules stay small.

Every module of ``sknn_text`` sits on a layer; a module may import modules of
its own layer or below, never above. A new module must be given a layer here.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sknn_text"


def module_name(path):
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}

# Layers from the bottom up; a module may import from its own layer or below.
LAYERS = [
    # 0: no import of the package, or only of this layer; the rooms' __init__
    # files (_loop, _saving) only describe their room and import nothing
    {
        "_typing", "_token_ids", "_registry", "_quiet", "_docs", "embeddings", "_version",
        "_loop", "_loop.interrupts", "_vocabulary", "_text_stream", "_sampling",
        "_saving", "_saving.model_bytes",
        "datasets", "datasets._bundled", "datasets._csv", "datasets._conll", "datasets._stream",
        "metrics", "_translation_text", "_beam_search",
    },
    # 1: the backend adapter, the parameter declarations, and the naive Bayes
    # weighting (declared with them, no Keras)
    {
        "_backend", "_backend._steps", "_backend._gradients", "_params", "_saving.encoding",
        "_nb_weighting",
    },
    # 2: what networks are made of, and the file format
    {
        "_loop.optimizers", "_layers", "_loop.data", "_saving.file_format", "_saving.export",
        "_crf", "_token_layers",
    },
    # 3: the epoch loop and the heads
    {
        "_loop.training", "_loop.schedule", "_loop.state", "_saving.persistable",
        "_heads", "_heads._base", "_composition", "_pretraining",
        "_heads._document", "_heads._classifier", "_heads._regressor", "_heads._tagger",
        "_heads._language_model", "_heads._autoencoder", "_heads._translator",
    },
    # 4: the estimator base, the tokenizer
    {"_base", "preprocessing"},
    # 5: the architectures: every module of the folder (one per registry family,
    # and the input helpers they share)
    {"_architectures", *(name for name in MODULES if name.startswith("_architectures."))},
    # 6: the top: public entry points, which may import anything below
    {
        "__init__", "__main__", "classifiers", "regressors", "taggers", "language_models",
        "decomposition", "translators",
        "_saving.io",
        "plotting", "extending",
        "cli",
        "cli._compare", "cli._progress", "cli._translation", "cli.__main__",
        "compare", "compare._models", "compare._result", "compare._run",
        "compare._stats", "compare._tagging", "compare._translation",
        "inspection", "inspection._attribution", "inspection._display",
        "inspection._eraser", "inspection._explain", "inspection._integrated",
        "inspection._spans", "inspection._targets",
    },
]
LAYER_OF = {name: rank for rank, names in enumerate(LAYERS) for name in names}
TOP = len(LAYERS) - 1
#: Modules that may import by name (importlib), i.e. resolve registry entries.
DYNAMIC_IMPORTS = {"__init__", "_registry"}
MAX_LINES = 400
#: Modules allowed past MAX_LINES, each with its reason. The aim stays "no module
#: much over 400 lines"; an exception is for a module that a split would only cut
#: in two, not make clearer.
MAX_LINES_EXCEPTIONS = {
    # The language-model task whole: its own token windows as the encoder's
    # input, training targets, scoring, next-token prediction, generation and
    # transform. Splitting off the input (a dozen lines) would only cut it in two.
    "_heads._language_model": 420,
}


def imported_modules(name, path):
    """The package modules that ``name`` imports (relative or absolute)."""
    tree = ast.parse(path.read_text())
    package = name.split(".")[:-1] if path.name != "__init__.py" else name.split(".")
    if name == "__init__":
        package = []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.startswith("sknn_text"):
                target = node.module.split(".")[1:]
            else:
                continue
            candidates = [".".join(target)] if target else []
            candidates += [".".join([*target, alias.name]) for alias in node.names]
            found.update(c for c in candidates if c in MODULES)
            if not target:
                found.update(alias.name for alias in node.names if alias.name in MODULES)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("sknn_text."):
                    found.add(alias.name.split(".", 1)[1])
    found.discard(name)
    return found


def test_every_module_has_a_layer():
    missing = sorted(set(MODULES) - set(LAYER_OF))
    assert not missing, f"give these modules a layer in tests/test_layout.py: {missing}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_run_downward(name):
    rank = LAYER_OF.get(name, TOP)
    upward = {
        other: LAYER_OF[other]
        for other in imported_modules(name, MODULES[name])
        if LAYER_OF.get(other, TOP) > rank
    }
    assert not upward, f"{name} (layer {rank}) imports from above: {upward}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_hidden_imports(name):
    """Importing by name hides an import from the graph: only the top may resolve."""
    source = MODULES[name].read_text()
    dynamic = "import_module(" in source or "__import__(" in source
    resolves = "resolve(" in source and LAYER_OF.get(name) != TOP and name != "_registry"
    assert not (dynamic and name not in DYNAMIC_IMPORTS), name
    assert not resolves, f"{name} resolves registry names but is not at the top"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name):
    lines = len(MODULES[name].read_text().splitlines())
    limit = MAX_LINES_EXCEPTIONS.get(name, MAX_LINES)
    assert lines <= limit, f"{name} has {lines} lines (at most {limit})"


def test_every_built_in_family_lives_in_the_architectures_room():
    from sknn_text._registry import built_in_families

    for family in built_in_families():
        for module in {family.module, *family.modules.values()}:
            name = module.removeprefix("sknn_text.")
            assert name in MODULES and LAYER_OF[name] == LAYER_OF["_architectures"], name


#: Architecture modules still built by inheritance, each with what the encoder
#: protocol lacks for it. The list only shrinks.
NOT_YET_COMPOSED = {
    # A keras-hub backbone is a nested model whose outputs a frozen fit computes
    # once and caches; an Encoder has no step that runs before the epochs.
    "_architectures._pretrained": "the frozen backbone's cached outputs",
    "_architectures._pretrained_tagger": "the frozen backbone's cached outputs",
    # An encoder-decoder: the Encoder protocol returns one encoding, and the
    # decoder that reads it with attention, step by step, is a second network.
    "_architectures._translation": "a decoder beside the encoder",
}


def test_estimators_are_composed_not_inherited():
    """An estimator is an encoder plus a head passed as values
    (``_composition.compose``): no architecture module defines a network class
    per task, a class over a head, or an ``_encode`` forwarder."""
    from sknn_text._composition import Composed
    from sknn_text._registry import built_in_families, resolve

    for name, path in MODULES.items():
        if not name.startswith("_architectures.") or name in NOT_YET_COMPOSED:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                methods = {item.name for item in node.body if isinstance(item, ast.FunctionDef)}
                bases = [ast.unparse(base) for base in node.bases]
                assert "_encode" not in methods, f"{name}.{node.name} forwards _encode"
                assert not any(base.endswith("Head") for base in bases), (
                    f"{name}.{node.name} inherits a head: compose it instead"
                )
    for family in built_in_families():
        for class_name in family.estimators.values():
            if family.module_of(class_name).removeprefix("sknn_text.") in NOT_YET_COMPOSED:
                continue
            cls = resolve(class_name)
            assert issubclass(cls, Composed) and cls._encoder is not None, class_name
