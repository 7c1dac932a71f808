"""The ``quarry`` command line, one module per command group (the top of the layers)."""
