"""The floor every stage stands on: errors, progress bars, shared word lists.

Nothing here imports any other Quarry package (``tests/test_layers.py`` checks it), so every
stage (``ingest``, ``index``, ``qa``, ``eval``) and the shell (``quarry``, ``api``, ``cli``) may
import it.
"""
