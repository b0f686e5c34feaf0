"""The UI-free core: API client, config, paths, key store, sessions.

Nothing under this package may import `textual` or `rich`; `tests/test_core_imports.py` enforces it so that the
pipe CLI starts fast and the core can be tested and reused without a terminal.
"""
