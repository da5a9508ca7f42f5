"""Keep TensorFlow's native start-up messages off the terminal.

TensorFlow 2.2x writes lines such as "oneDNN custom operations are on" or
"Could not find cuda drivers" from C++ before its logging is configured, so
``TF_CPP_MIN_LOG_LEVEL`` does not hide them: only redirecting the process's
file descriptor 2 does. Nothing here imports TensorFlow or Keras.
"""

import contextlib
import os
import sys


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
