"""Keep TensorFlow's native log lines off the terminal.

TensorFlow 2.2x writes lines such as "oneDNN custom operations are on" or
"Could not find cuda drivers" from C++ before its logging is configured, so
``TF_CPP_MIN_LOG_LEVEL`` does not hide them: only redirecting the process's
file descriptor 2 does. Later lines ("failed call to cuInit", "Not handling
type DT_DOUBLE" while it optimizes a graph) follow ``TF_CPP_MIN_LOG_LEVEL``,
which TensorFlow reads once, when it is imported.

The command line silences its own run (:func:`native_stderr_silenced`); the
library, from ``import sknn_text`` on, applies :func:`quiet_tensorflow` unless
``SKNN_TEXT_TF_LOGS=1``. Nothing here imports TensorFlow or Keras.
"""

import contextlib
import importlib.abc
import importlib.util
import logging
import os
import sys
import threading


def _real_stderr_fd(stream):
    """The file descriptor behind ``stream`` if it is the process's fd 2, else None."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # pytest capsys, StringIO, closed
        return None
    return fd if fd == 2 else None


@contextlib.contextmanager
def native_stderr_silenced(stream=None):
    """Send file descriptor 2 to /dev/null inside the block.

    Parameters
    ----------
    stream : file object, default=None
        The Python stream whose messages must still be seen (default:
        ``sys.stderr``). When it writes to file descriptor 2, the block
        yields a new stream on a duplicate of the original descriptor; else
        (e.g. under pytest's capsys) nothing is redirected and ``stream``
        itself is yielded.

    Yields
    ------
    stream : file object
        Where to write messages meant for the user during the block.
    """
    stream = sys.stderr if stream is None else stream
    if _real_stderr_fd(stream) is None:
        yield stream
        return
    stream.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    visible = os.fdopen(
        os.dup(saved),
        "w",
        buffering=1,
        encoding=getattr(stream, "encoding", None) or "utf-8",
        errors="backslashreplace",
    )
    try:
        os.dup2(devnull, 2)
        yield visible
    finally:
        with contextlib.suppress(OSError, ValueError):
            visible.flush()
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
        visible.close()


# ----------------------------------------------------------- library default
#: Set this environment variable to 1 before importing sknn_text to see
#: TensorFlow's own log lines again.
SWITCH = "SKNN_TEXT_TF_LOGS"

_state = {"tensorflow_came_first": False}
_depth_lock = threading.Lock()
_silenced = {"count": 0, "saved": None, "python_stream": None, "visible": None}


def logs_wanted():
    """Whether the user asked for TensorFlow's logs (``SKNN_TEXT_TF_LOGS=1``)."""
    return os.environ.get(SWITCH, "").strip().lower() not in ("", "0", "false", "no")


def quiet_tensorflow():
    """Keep TensorFlow's native log lines off stderr; called by ``import sknn_text``.

    Before TensorFlow is imported: its C++ log level defaults to errors only
    (``TF_CPP_MIN_LOG_LEVEL=3``, unless the user set it), and its first import
    runs with file descriptor 2 silenced, for the lines it writes before that
    setting is read. Its Python loggers (``tensorflow``, ``absl``) keep errors
    only. When TensorFlow was imported first, only its Python loggers can be
    quietened, and the compiled steps of sknn_text's networks run their first
    call, when TensorFlow optimizes the graph and logs about it, silenced
    (:func:`quiet_first_call`). Nothing happens with ``SKNN_TEXT_TF_LOGS=1``.
    """
    if logs_wanted():
        return
    if "tensorflow" in sys.modules:
        _state["tensorflow_came_first"] = True
        _quiet_python_loggers()
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if not any(isinstance(finder, _SilencedFirstImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _SilencedFirstImport())


class _BelowError(logging.Filter):
    def filter(self, record):
        return record.levelno >= logging.ERROR


def _quiet_python_loggers():
    logger = logging.getLogger("tensorflow")
    if not any(isinstance(f, _BelowError) for f in logger.filters):
        logger.addFilter(_BelowError())  # a filter: TensorFlow resets the level
    absl_logging = sys.modules.get("absl.logging")
    if absl_logging is not None:
        absl_logging.set_verbosity(absl_logging.ERROR)


class _SilencedFirstImport(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` as usual, and runs its import with stderr silenced."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)  # once, and the other finders find it
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _SilencedLoader(spec.loader)
        return spec


class _SilencedLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = module.__spec__.loader = self.loader
        try:
            with native_logs_silenced():
                self.loader.exec_module(module)
        finally:
            _quiet_python_loggers()


@contextlib.contextmanager
def native_logs_silenced():
    """File descriptor 2 to /dev/null inside the block, from any thread.

    Unlike :func:`native_stderr_silenced`, blocks may overlap across threads:
    the first to enter silences, the last to leave restores. While silenced,
    a ``sys.stderr`` that wrote to descriptor 2 writes to a copy of it, so
    Python's own messages (warnings) still reach the terminal.
    """
    with _depth_lock:
        active = _silenced["count"] > 0 or _silence()
        _silenced["count"] += active
    if not active:  # no descriptor 2 to silence
        yield
        return
    try:
        yield
    finally:
        with _depth_lock:
            _silenced["count"] -= 1
            if _silenced["count"] == 0:
                _restore()


def _silence():
    with contextlib.suppress(AttributeError, OSError, ValueError):
        sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:
        return False
    devnull = os.open(os.devnull, os.O_WRONLY)
    python_stream = sys.stderr if _real_stderr_fd(sys.stderr) is not None else None
    visible = None
    if python_stream is not None:
        sys.stderr = visible = os.fdopen(
            os.dup(saved),
            "w",
            buffering=1,
            encoding=getattr(python_stream, "encoding", None) or "utf-8",
            errors="backslashreplace",
        )
    os.dup2(devnull, 2)
    os.close(devnull)
    _silenced.update(saved=saved, python_stream=python_stream, visible=visible)
    return True


def _restore():
    visible = _silenced["visible"]
    if visible is not None:
        if sys.stderr is visible:  # unless replaced in the meantime
            sys.stderr = _silenced["python_stream"]
        with contextlib.suppress(OSError, ValueError):
            visible.close()
    os.dup2(_silenced["saved"], 2)
    os.close(_silenced["saved"])


def quiet_native_logs():
    """:func:`native_logs_silenced` if TensorFlow was imported before sknn_text
    (its log level was read before sknn_text could set it), else nothing."""
    if _state["tensorflow_came_first"] and not logs_wanted():
        return native_logs_silenced()
    return contextlib.nullcontext()


def quiet_first_call(function):
    """``function``, whose first call (a graph's tracing and optimization)
    runs in :func:`quiet_native_logs`."""
    if not _state["tensorflow_came_first"] or logs_wanted():
        return function
    return _QuietFirstCall(function)


class _QuietFirstCall:
    """A compiled step whose first call is quiet; its attributes are the step's."""

    def __init__(self, function):
        self.function = function
        self.called = False

    def __call__(self, *args, **kwargs):
        if self.called:
            return self.function(*args, **kwargs)
        self.called = True
        with quiet_native_logs():
            return self.function(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.function, name)
