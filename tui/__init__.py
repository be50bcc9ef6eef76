"""inbox-tui: a keyboard-driven terminal client for the Inbox API."""

__version__ = "0.1.0"
