"""The documents engine (platform layer): fills a register's .docx templates and numbers them.

A register declares its documents in ``<app>/register.py`` (``kit.DocumentSpec``); this app reads the
declaration, never the register's modules. See ``services.py`` for the numbering rule.
"""
