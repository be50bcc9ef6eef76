"""The user interface (Textual): the app, its features, screens and widgets."""
