"""Hostile and oversized input for ``incentives``: a generator, an isolating runner and a command-line fuzz script.

* :mod:`.generate` writes model files and Gambit ``.nfg`` files of every category of
  issue 14, and mutations of every file in ``examples/``;
* :mod:`.isolate` runs one input in a forked child with a time limit and a memory cap;
* :mod:`.run` (``python -m tests.fuzz.run --count 2000``) runs thousands of generated
  files through every command of the command line and prints a summary.

``tests/test_fuzz.py`` runs a bounded sample through the API entry points.
"""
