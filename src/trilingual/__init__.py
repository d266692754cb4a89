"""trilingual: keep briefings in Belarusian, Russian and English in step."""

__version__ = "0.1.0"
