"""Where the bundled rules and knowledge live, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

# engine/core/resources.py → the engine package folder
_PACKAGE = Path(__file__).resolve().parents[1]


def bundled(name: str) -> Path:
    """The bundled `rules` or `knowledge` folder.

    A wheel carries them inside the package (engine/_bundled/<name>); a source checkout or an
    editable install has them at the top of the tree, next to the package.
    """
    installed = _PACKAGE / "_bundled" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name
