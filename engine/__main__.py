"""`python -m engine` and the `infraplan` console script: run the command line in cli.py.

The command line lives in the top-level cli.py. It cannot be installed as a top-level module
named `cli`: python-hcl2 8.x installs an unrelated package of that name, which would shadow it.
A wheel therefore carries cli.py as engine/_cli.py; a source checkout or editable install loads
it from next to the package, by path.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def command_line() -> ModuleType:
    """The command-line module: the wheel's engine/_cli.py, else the source tree's cli.py."""
    try:
        return importlib.import_module("engine._cli")
    except ImportError:
        source = Path(__file__).resolve().parent.parent / "cli.py"
        spec = importlib.util.spec_from_file_location("infraplan_cli", source)
        if spec is None or spec.loader is None:  # pragma: no cover - broken installation
            raise SystemExit(f"infraplan: cannot find its command line ({source})") from None
        module = importlib.util.module_from_spec(spec)
        sys.modules["infraplan_cli"] = module
        spec.loader.exec_module(module)
        return module


def main() -> None:
    from engine.commands import check_argv

    check = check_argv.parse(sys.argv[1:])
    if check is not None:  # the pre-commit hook's command, without click (check_argv.py)
        check_argv.main(check)
    from engine.commands.facts_replay import cached

    with cached(sys.argv[1:]):  # `facts` replayed from its output cache, or recorded for it
        cli = command_line()
        from engine.core.picklefile import freeze_for_the_run

        freeze_for_the_run()  # what is imported lives for the whole run: collections skip it
        cli.main()


if __name__ == "__main__":
    main()
