"""Numpydoc sections generated from the parameters an estimator declares.

Each room of the package documents the parameters it declares, next to them,
in a class attribute ``_parameter_docs`` mapping a name to ``(type, text)``;
the text may hold ``$placeholders`` for wording that differs between
architectures (what ``dropout`` applies to, say), filled from the
``_doc_wording`` dicts of the classes in the MRO. ``_attribute_docs`` holds the
fitted attributes a class sets. The default shown for a parameter is read from
the parameter itself, so a docstring cannot drift from the code.

:func:`complete_docstring` inserts the Parameters and Attributes sections into
a class docstring that holds the rest (summary, Notes, Examples).
"""

import inspect
import string
import textwrap

_LATER_SECTIONS = ("See Also", "Notes", "References", "Examples")


def _fill(text, width=76):
    """``text`` (prose paragraphs) dedented and wrapped to ``width`` columns."""
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(
        textwrap.fill(
            " ".join(paragraph.split()),
            width,
            break_long_words=False,
            break_on_hyphens=False,
        )
        for paragraph in paragraphs
    )


def _render_default(value):
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def _lookup(cls, attribute, name):
    for klass in cls.__mro__:
        table = vars(klass).get(attribute, {})
        if name in table:
            return table[name]
    raise TypeError(f"{cls.__name__}: parameter {name!r} has no documentation")


def _wording(cls):
    wording = {}
    for klass in reversed(cls.__mro__):
        wording.update(vars(klass).get("_doc_wording", {}))
    return wording


def _owner_rank(cls, name):
    """``_doc_rank`` of the class that declares parameter ``name`` first."""
    for klass in reversed(cls.__mro__):
        if name in vars(klass).get("__annotations__", {}):
            return vars(klass).get("_doc_rank", 0)
    return 0


def parameters_section(cls, fields):
    """The ``Parameters`` section of ``cls`` for its dataclass ``fields``.

    Parameters are listed by the ``_doc_rank`` of the class that declares
    them (architecture first, then the training loop, then the task), in
    signature order within each.
    """
    wording = _wording(cls)
    entries = []
    for field in sorted(fields, key=lambda field: _owner_rank(cls, field.name)):
        kind, text = _lookup(cls, "_parameter_docs", field.name)
        text = _fill(string.Template(text).substitute(wording), width=72)
        header = f"{field.name} : {kind}, default={_render_default(field.default)}"
        entries.append(header + "\n" + textwrap.indent(text, "    "))
    return "Parameters\n----------\n" + "\n".join(entries)


def attributes_section(cls):
    """The ``Attributes`` section: the fitted attributes of every class in the MRO."""
    parts = [
        textwrap.dedent(vars(klass)["_attribute_docs"]).strip()
        for klass in cls.__mro__
        if vars(klass).get("_attribute_docs")
    ]
    return "Attributes\n----------\n" + "\n".join(parts)


def complete_docstring(cls, fields):
    """``cls.__doc__`` with Parameters and Attributes inserted before its first
    later section (See Also, Notes, References, Examples), indented as a class
    docstring."""
    doc = inspect.cleandoc(cls.__doc__ or "")
    lines = doc.split("\n")
    insert_at = len(lines)
    for index in range(len(lines) - 1):
        underline = lines[index + 1].strip()
        if lines[index].strip() in _LATER_SECTIONS and set(underline) == {"-"}:
            insert_at = index
            break
    generated = parameters_section(cls, fields) + "\n\n" + attributes_section(cls)
    head = "\n".join(lines[:insert_at]).rstrip()
    tail = "\n".join(lines[insert_at:]).strip()
    text = "\n\n".join(part for part in (head, generated, tail) if part)
    first, _, rest = text.partition("\n")
    return first + "\n" + textwrap.indent(rest, "    ") + "\n"


def docstring(title, description, head, *, notes="", examples):
    """A class docstring (without Parameters/Attributes) for an estimator whose
    task is ``head``: the head adds its sentence on targets and its notes."""
    sections = [title.strip(), _fill(description.strip() + " " + head._task_summary)]
    notes = "\n\n".join(part for part in (_fill(notes), _fill(_head_notes(head))) if part)
    if notes:
        sections.append("Notes\n-----\n" + notes)
    sections.append("Examples\n--------\n" + textwrap.dedent(examples).strip())
    return "\n\n".join(sections)


def _head_notes(head):
    return getattr(head, "_task_notes", "")


#: Example of a tagger: ``{name}`` and ``{settings}``.
TAGGER_EXAMPLE = """
>>> from sknn_text import {name}
>>> X = [["the", "cat", "sat"], ["dogs", "ran"], ["a", "dog", "barked"], ["cats", "sat"]] * 10
>>> y = [["B-NP", "I-NP", "B-VP"], ["B-NP", "B-VP"]] * 20
>>> tagger = {name}({settings}epochs=30, random_state=0).fit(X, y)
>>> tagger.predict([["the", "dog", "ran"], ["cats", "barked"]])
[['B-NP', 'I-NP', 'B-VP'], ['B-NP', 'B-VP']]
"""

#: Example of a token-sequence classifier: ``{name}`` and ``{settings}``.
TOKEN_CLASSIFIER_EXAMPLE = """
>>> from sklearn.pipeline import make_pipeline
>>> from sknn_text import {name}, TextTokenizer
>>> texts = ["a great film", "a dull film", "great acting", "dull plot"] * 5
>>> labels = ["pos", "neg", "pos", "neg"] * 5
>>> model = make_pipeline(
...     TextTokenizer(),
...     {name}({settings}random_state=0),
... )
>>> model.fit(texts, labels).predict(["great film", "dull film"]).tolist()
['pos', 'neg']
"""

#: Example of a regressor on numeric series: ``{name}``, ``{settings}``, ``{r2}``.
SERIES_REGRESSOR_EXAMPLE = """
>>> import numpy as np
>>> from sknn_text import {name}
>>> rng = np.random.RandomState(0)
>>> windows = rng.normal(size=(300, 6))          # 300 series of 6 steps
>>> next_value = windows[:, -1] * 2 + 10          # raw-scale target
>>> model = {name}({settings}random_state=0)
>>> bool(model.fit(windows, next_value).score(windows, next_value) > {r2})
True
"""

#: Example of a language model: ``{name}`` and ``{settings}``.
LANGUAGE_MODEL_EXAMPLE = """
>>> from sknn_text import {name}
>>> texts = ["the cat sat on the mat", "my old dog lay on the red rug"] * 15
>>> lm = {name}({settings}epochs=40, learning_rate=0.01,
...     random_state=0).fit(texts)
>>> lm.predict_next(["my old dog lay on the"], top_k=1)
[['red']]
>>> lm.generate("the cat", top_k=1)
'the cat sat on the mat'
>>> bool(lm.perplexity(texts) < 1.5)
True
"""
