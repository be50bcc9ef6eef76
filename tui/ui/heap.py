"""The garbage collector and a long-running app.

Until the first frame is on screen the collector is paused: start-up makes objects that live
as long as the app (modules, classes, widgets), and collections that find nothing to free cost
~10% of the start. It runs again once that frame is painted.

What the app makes at start (modules, classes, validators, the screen's widgets) lives as long
as the app, yet each full collection walks all of it: ~40 ms on a slow machine, a dropped frame
whenever one lands on a key press. Once the app is up, those objects are moved out of the
collector's way (gc.freeze); what is made later is collected as usual.
"""

from __future__ import annotations

import gc


def pause_collection() -> None:
    """Only for a process that runs one app, before it is imported (see the module's text)."""
    gc.disable()


def resume_collection() -> None:
    gc.enable()


def freeze_long_lived() -> None:
    """Collect what is garbage now, then exempt every surviving object from later collections.
    Only for a process that runs one app: objects frozen here are never collected if they
    later become part of an unreachable cycle (refcounting still frees the rest)."""
    gc.collect()
    gc.freeze()
