"""The version of sknn_text (read by ``pyproject.toml`` and written into saved files)."""

__version__ = "0.1.0"
