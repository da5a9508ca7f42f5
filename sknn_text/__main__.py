"""Allow ``python -m sknn_text``, the same as the ``sknn-text`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
