"""The app's own model: what a thread, a person, a message and a query are, whatever API
version they came through. No Textual, no HTTP, no wire spelling."""
