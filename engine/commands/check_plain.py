"""`infraplan check` with plain models (engine/core/plainmodel.py): the pre-commit hook's common
case — valid specs, the knowledge base cached — without importing pydantic, which alone costs
as much as yamllint's whole run (docs/performance.md, `check` start-up).

The command's own code runs, unchanged, over model classes built on plain Python. Whenever the
plain models meet something they cannot vouch for (a spec pydantic would reject or convert, a
knowledge base not yet cached), they give way before anything is written: the modules they
loaded are forgotten and the command runs again, with pydantic, exactly as before. Only a fresh
process can run plain (no model module loaded yet); INFRAPLAN_PLAIN_CHECK=0 turns it off.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def possible(specs: list[str]) -> bool:
    """Whether this process can try the plain run: nothing model-related is loaded yet."""
    return (
        os.environ.get("INFRAPLAN_PLAIN_CHECK", "1") != "0"
        and "engine.core.modelbase" not in sys.modules
        and "-" not in specs
    )


def attempt(run: Callable[[], int]) -> int | None:
    """`run()` with plain models; None when they gave way (and pydantic's are to be used)."""
    from engine.core import plainmodel
    from engine.core.errors import InputError

    before = set(sys.modules)
    plainmodel.ACTIVE = True
    try:
        return run()
    except (InputError, OSError):
        raise  # the user's input or the system: reported as the pydantic run reports them
    except Exception:  # NotPlain, or anything plain models would do otherwise
        if not plainmodel.can_give_way():
            raise  # it has begun to write its output: what failed there is the command's
    plainmodel.ACTIVE = False
    # the engine's modules loaded since hold plain classes: loaded again, they hold pydantic's.
    # (Modules loaded before, such as the error boundary's, stay: their classes are the same.)
    for name in set(sys.modules) - before:
        if name.startswith("engine."):
            module = sys.modules.pop(name)
            package, _, child = name.rpartition(".")
            if getattr(sys.modules.get(package), child, None) is module:
                delattr(sys.modules[package], child)  # `from package import child` reloads it
    return None
