"""Ctrl-C as a flag read at safe points, not an exception raised anywhere.

Python raises ``KeyboardInterrupt`` wherever the main thread happens to be when
SIGINT arrives. Two places make that unsafe while a network is built, traced or
trained:

* inside a destructor or a weakref callback (TensorFlow and Keras run many),
  Python prints "Exception ignored" and drops the exception: the fit goes on
  as if nothing was pressed;
* inside TensorFlow's graph construction (tracing a step, building a model), the
  exception can leave a half-built graph behind, and what the user sees is an
  unrelated error (``cond_graph takes 12 inputs; Expected: 11``, ``No common
  supertype of TensorSpec``) instead of the interrupt.

:func:`deferred_interrupt` replaces Python's SIGINT handler for the length of a
block with one that only records the press; the code in the block asks at its
safe points (after each batch, after a model is built or a step traced) and
raises ``KeyboardInterrupt`` itself. A second press raises at once, for a block
that no longer asks.
"""

from __future__ import annotations

import contextlib
import signal
import threading

# The presses recorded by the outermost active block of the main thread.
_active: list[list] = []


@contextlib.contextmanager
def deferred_interrupt():
    """Inside the block, a first SIGINT is recorded instead of raised.

    Yields a function that tells whether Ctrl-C was pressed. Only the main
    thread receives SIGINT, so elsewhere (and under a SIGINT handler of the
    user's) nothing is replaced and the function always says no. A block
    nested in another shares its record.
    """
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    if _active:
        pressed = _active[-1]
        yield lambda: bool(pressed)
        return
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield lambda: False
        return
    pressed = []

    def record(signum, frame):
        if pressed:
            raise KeyboardInterrupt
        pressed.append(signum)

    signal.signal(signal.SIGINT, record)
    _active.append(pressed)
    try:
        yield lambda: bool(pressed)
    finally:
        _active.pop()
        signal.signal(signal.SIGINT, signal.default_int_handler)
