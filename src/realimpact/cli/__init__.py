"""The ``realimpact`` command line: a thin layer over the library (one module per group)."""
