"""decontrol's analytical core: data layer, estimation (the item table) and the package optimizer.

Pure Python, no Dash. The dashboard and the CLI both call into this package, so every number
the product shows is computed here exactly once. Start at `optimizer.api`, the core in one module
(and ARCHITECTURE.md for the data flow).
"""

__version__ = "0.1.0"
