"""infraplan: a deterministic expert system that plans infrastructure enhancements.

The data flow is the architecture: discover → extract → graph → match → decide → plan → render.
"""

__version__ = "0.1.0"
