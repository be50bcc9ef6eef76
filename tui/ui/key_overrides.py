"""The config's [keys]: checked against every binding id there is (the main table's, the
composer's and every dialog's) and turned into the keymap Textual applies."""

from __future__ import annotations

from tui.ui.keymap import KEYMAP, binding_ids, check_overrides, normalise_keys, why_not_id


def overridable_elsewhere() -> frozenset[str]:
    """Binding ids of the composer and every dialog: the config's [keys] can rebind them."""
    from tui.ui.screens.board import BoardScreen
    from tui.ui.screens.filters import FilterScreen
    from tui.ui.screens.help import HelpScreen
    from tui.ui.screens.history import HistoryScreen
    from tui.ui.screens.labels import LabelFormScreen, LabelsScreen
    from tui.ui.screens.lookup import LookupScreen
    from tui.ui.screens.pickers import (
        ConfirmScreen,
        NewConversationScreen,
        NotesScreen,
        PickerScreen,
        TextPromptScreen,
        ValuationScreen,
    )
    from tui.ui.screens.snippets import SnippetPickerScreen
    from tui.ui.screens.waiting import WaitingScreen
    from tui.ui.widgets.composer import ComposerInput

    return binding_ids(
        [
            ComposerInput,
            FilterScreen,
            LookupScreen,
            HelpScreen,
            PickerScreen,
            ValuationScreen,
            ConfirmScreen,
            NotesScreen,
            NewConversationScreen,
            TextPromptScreen,
            LabelsScreen,
            LabelFormScreen,
            HistoryScreen,
            BoardScreen,
            SnippetPickerScreen,
            WaitingScreen,
        ]
    )


def key_overrides(overrides: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The keymap for Textual, and what is wrong with the overrides (to be said). Knowing every
    dialog's binding ids means importing every screen: only done when there are overrides."""
    if not overrides:
        return {}, []
    problems = check_overrides(overrides, overridable_elsewhere())
    keymap = {binding_id: normalise_keys(keys) for binding_id, keys in overrides.items()}
    explained = {k.id for k in KEYMAP if k.why_not}
    keymap |= {why_not_id(i): keys for i, keys in keymap.items() if i in explained}
    return keymap, problems
