"""Type aliases of the public signatures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from numpy.typing import ArrayLike

if TYPE_CHECKING:  # only type checkers read these (Python 3.10 lacks typing.Self)
    import scipy.sparse

#: What ``fit`` and ``predict`` take: an array-like, a DataFrame or a SciPy sparse matrix.
MatrixLike = Union[ArrayLike, "scipy.sparse.spmatrix", "scipy.sparse.sparray"]

__all__ = ["MatrixLike"]
