"""The innovation marketplace: the app shell and the shared kernel.

Importing this package never builds the app; call ``marketplace.app.create_app``.
"""
