"""The headless command line (``python -m simulator``), in three parts.

``interrupts`` turns Ctrl-C into one true line and exit status 130;
``outputs`` checks every file a command will write before any work starts and
streams the training log to disk; ``commands`` parses the arguments and runs
``new``, ``train``, ``validate`` and ``presets``.

This package stays light to import: ``simulator.__main__`` catches Ctrl-C
before NumPy is loaded.
"""
