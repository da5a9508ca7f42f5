"""keras-hub presets for the pretrained encoders: loading, tokenizing, packing.

keras-hub is an optional dependency (the ``hub`` extra): nothing here imports
it before :func:`keras_hub` is called, and ``import sknn_text`` never does.

* :func:`load_tokenizer` and :func:`load_backbone` read a preset (a keras-hub
  preset name, which keras-hub downloads, or a folder written by
  ``save_to_preset``), with errors that say what to install or where to put
  the preset;
* :func:`tokenizer_state` turns a preset's tokenizer into plain data (its Keras
  config and the text of its vocabulary files), which a fitted estimator keeps,
  so that it tokenizes after ``save``/``load`` or pickling without the preset;
  :func:`tokenizer_from_state` rebuilds it;
* :func:`pack_documents` and :func:`pack_sentences` turn texts, or sentences
  of words, into the one integer array a network reads (channels ``TOKEN_IDS``,
  ``PADDING_MASK``, ``WORD_STARTS``).

The truncation rule is keras-hub's for one segment: a document keeps its first
``sequence_length - len(start) - len(end)`` sub-words between the start and end
tokens (``[CLS]`` and ``[SEP]`` for BERT).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass

import numpy as np

#: What to run when keras-hub is missing.
HUB_EXTRA = 'pip install "sknn_text[hub]"'
#: The channels of a packed array ``(rows, steps, channels)``: the sub-word ids,
#: the padding mask (1 for a real position) and, for taggers, at position ``j``
#: the position of word ``j``'s first sub-word plus one (0 past the last word).
TOKEN_IDS, PADDING_MASK, WORD_STARTS = 0, 1, 2
#: Texts tokenized per call of the keras-hub tokenizer.
_CHUNK = 2048


def keras_hub():
    """The ``keras_hub`` module, or an ImportError that says what to install."""
    try:
        import keras_hub as hub
    except ImportError as error:
        raise ImportError(
            "The pretrained encoders (PretrainedTextClassifier, PretrainedTextRegressor, "
            "PretrainedTextTagger) need keras-hub, an optional dependency of sknn_text: "
            f"{HUB_EXTRA}"
        ) from error
    return hub


def _unavailable(preset, error):
    """The error of a preset that keras-hub could not load."""
    reason = f"{type(error).__name__}: {error}"
    if os.path.isdir(preset):
        return ValueError(
            f"The folder {preset!r} is not a keras-hub text preset ({reason}). Write "
            "one with save_to_preset: backbone.save_to_preset(folder) and "
            "preprocessor.save_to_preset(folder) (or a whole "
            "keras_hub.models.TextClassifier's task.save_to_preset(folder))."
        )
    return ValueError(
        f"Cannot load the keras-hub preset {preset!r} ({reason}). A preset name is "
        "downloaded by keras-hub, which needs network access; without it, load the "
        "preset on a machine that has access, save it to a folder with "
        "save_to_preset (keras_hub.models.TextClassifier.from_preset(name)"
        ".save_to_preset(folder)), copy the folder here and pass its path: "
        "preset='path/to/folder'."
    )


def _checked(preset, owner):
    if preset is None:
        raise ValueError(
            f"{owner} needs a preset: a keras-hub preset name (such as "
            "'bert_base_en_uncased') or a folder written by save_to_preset."
        )
    return os.fspath(preset)


@dataclass(frozen=True)
class Packing:
    """How a preset frames one segment: start and end token ids, padding id."""

    start: tuple
    end: tuple
    pad: int
    #: Id of a word that the tokenizer turns into no sub-word at all.
    unknown: int

    @property
    def room(self):
        """Sub-words the start and end tokens take."""
        return len(self.start) + len(self.end)


def load_tokenizer(preset, owner):
    """``(tokenizer, packing)`` of ``preset``: its preprocessor's tokenizer and
    the start, end and padding ids of its packer."""
    preset = _checked(preset, owner)
    hub = keras_hub()
    try:
        preprocessor = hub.models.TextClassifierPreprocessor.from_preset(preset)
    except (OSError, ValueError) as error:
        raise _unavailable(preset, error) from None
    if getattr(preprocessor, "packer", None) is None:
        preprocessor.build(None)
    tokenizer, packer = preprocessor.tokenizer, preprocessor.packer
    return tokenizer, Packing(
        _ids(tokenizer, getattr(packer, "start_value", None)),
        _ids(tokenizer, getattr(packer, "end_value", None)),
        int(_ids(tokenizer, packer.pad_value)[0]),
        _unknown_id(tokenizer, packer),
    )


def _ids(tokenizer, value):
    if value is None:
        return ()
    values = value if isinstance(value, (list, tuple)) else [value]
    return tuple(
        int(tokenizer.token_to_id(v)) if isinstance(v, str) else int(v) for v in values
    )


def _unknown_id(tokenizer, packer):
    for name in ("unk_token_id", "oov_token_id"):
        if getattr(tokenizer, name, None) is not None:
            return int(getattr(tokenizer, name))
    oov = getattr(tokenizer, "oov_token", None)
    if isinstance(oov, str):
        return int(tokenizer.token_to_id(oov))
    return int(_ids(tokenizer, packer.pad_value)[0])


def load_backbone(preset, owner):
    """The backbone of ``preset``, with its pretrained weights."""
    preset = _checked(preset, owner)
    hub = keras_hub()
    try:
        return hub.models.Backbone.from_preset(preset)
    except (OSError, ValueError) as error:
        raise _unavailable(preset, error) from None


def tokenizer_state(tokenizer):
    """``(config, assets)``: the tokenizer's Keras config as JSON text and its
    vocabulary files (name -> str, or a uint8 array for a binary file such as
    a SentencePiece model), data that the sknn_text format stores."""
    import keras

    config = json.dumps(keras.saving.serialize_keras_object(tokenizer))
    assets = {}
    with tempfile.TemporaryDirectory() as folder:
        tokenizer.save_assets(folder)
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), "rb") as file:
                data = file.read()
            try:
                assets[name] = data.decode("utf-8")
            except UnicodeDecodeError:
                assets[name] = np.frombuffer(data, dtype=np.uint8).copy()
    return config, assets


def tokenizer_from_state(config, assets):
    """The tokenizer that :func:`tokenizer_state` described, rebuilt in Keras's
    safe mode (a registered keras-hub class and its vocabulary, no code)."""
    import keras

    keras_hub()  # registers keras-hub's classes
    tokenizer = keras.saving.deserialize_keras_object(json.loads(config), safe_mode=True)
    with tempfile.TemporaryDirectory() as folder:
        for name, data in assets.items():
            if os.path.basename(name) != name:
                raise ValueError(f"A tokenizer asset has a path for a name: {name!r}.")
            mode, data = ("w", data) if isinstance(data, str) else ("wb", bytes(data))
            with open(os.path.join(folder, name), mode, **_encoding(mode)) as file:
                file.write(data)
        tokenizer.load_assets(folder)
    return tokenizer


def _encoding(mode):
    return {"encoding": "utf-8", "newline": ""} if mode == "w" else {}


def tokenize(tokenizer, texts):
    """The sub-word ids of each text, as lists of ints."""
    pieces = []
    for start in range(0, len(texts), _CHUNK):
        output = tokenizer(list(texts[start : start + _CHUNK]))
        if hasattr(output, "to_list"):  # a tf.RaggedTensor
            output = output.to_list()
        pieces.extend([int(i) for i in row] for row in output)
    return pieces


def pack_documents(tokenizer, packing, texts, sequence_length):
    """``(n_texts, width, 2)`` int32: the framed sub-word ids of each text (its
    first ``sequence_length - packing.room`` sub-words) and the padding mask;
    ``width`` is the longest framed text."""
    room = sequence_length - packing.room
    rows = [[*packing.start, *ids[:room], *packing.end] for ids in tokenize(tokenizer, texts)]
    return _packed(rows, packing.pad)


def pack_sentences(tokenizer, packing, sentences, sequence_length, *, windows=False):
    """Sentences of words packed for a tagger, and the sentence of each row.

    Every word is tokenized on its own (with a leading space for a byte-level
    BPE tokenizer, as RoBERTa's words after the first are); a word the
    tokenizer drops gets ``packing.unknown``. Channel ``WORD_STARTS`` holds, at
    position ``j``, where word ``j``'s first sub-word is, plus one. A sentence whose
    sub-words do not fit in ``sequence_length`` keeps its first words
    (``windows=False``), or is cut into consecutive windows of whole words,
    one row each (``windows=True``); a single word longer than the room is
    cut to its first sub-words.

    Returns
    -------
    packed : ndarray of shape (n_rows, width, 3)
    owners : ndarray of shape (n_rows,)
        The sentence of each row.
    """
    hub = keras_hub()
    spaced = isinstance(tokenizer, hub.tokenizers.BytePairTokenizer)
    words = [(" " + w if spaced else w) for sentence in sentences for w in sentence]
    pieces = iter(tokenize(tokenizer, words))
    room = sequence_length - packing.room
    rows, starts, owners = [], [], []
    for owner, sentence in enumerate(sentences):
        word_pieces = [next(pieces)[:room] or [packing.unknown] for _ in sentence]
        window, used = [], 0
        for ids in word_pieces:
            if used + len(ids) > room:
                if not windows:
                    break
                _add_window(rows, starts, owners, window, packing, owner)
                window, used = [], 0
            window.append(ids)
            used += len(ids)
        _add_window(rows, starts, owners, window, packing, owner)
    packed = _packed(rows, packing.pad, channels=3)
    for row, positions in enumerate(starts):
        packed[row, : len(positions), WORD_STARTS] = positions
    return packed, np.asarray(owners)


def _add_window(rows, starts, owners, window, packing, owner):
    positions, position = [], len(packing.start)
    for ids in window:
        positions.append(position + 1)
        position += len(ids)
    rows.append([*packing.start, *(i for ids in window for i in ids), *packing.end])
    starts.append(positions)
    owners.append(owner)


def _packed(rows, pad, channels=2):
    width = max(len(row) for row in rows)
    packed = np.zeros((len(rows), width, channels), dtype=np.int32)
    packed[:, :, TOKEN_IDS] = pad
    for index, row in enumerate(rows):
        packed[index, : len(row), TOKEN_IDS] = row
        packed[index, : len(row), PADDING_MASK] = 1
    return packed
