"""The hostile-input suite: every bad input a clear error or a diagnostic, in bounded time and
memory, and never a traceback.

Inputs are generated per class (tests/hostile/build.py) and run through every command and
output format that reads them: specs (plan, check), plans (explain, verify), rule and knowledge
overlays (plan, check, rules lint|test, knowledge list|show), `.infraplan.yaml` (the working
tree's and a repository's), repository content (facts, graph, plan), outputs that cannot be
written, and settings. Most run in-process (tests/conftest.run_cli); the few that measure memory
run the real entry point (test_resources.py). The bounds are generous on purpose; the measured
figures are in bench/hostile.md.
"""
