"""``python -m sknn_text.cli``: the ``sknn-text`` command."""

import sys

from . import main

sys.exit(main())
