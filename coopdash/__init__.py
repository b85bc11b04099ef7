"""coopdash: analytics of international cooperation programs and participants."""

__version__ = "0.1.0"
