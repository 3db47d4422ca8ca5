"""Renderings shared by the command line, the report and the viewer: text, Markdown,
HTML and CSV, each made from the plain data a domain module (``registry/``, ``graph/``)
returns.

The layer sits between ``graph/`` and ``web/``: it may import ``registry`` and ``graph``,
never ``web`` or ``tvb``, and reads no environment variables.
"""
