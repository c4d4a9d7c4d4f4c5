"""briefing: a static report-and-briefing site generator."""

__version__ = "0.1.0"
