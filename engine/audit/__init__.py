"""Audit: what reviewers and auditors run on specs and plans — `check` (spec policy rules),
`explain` and `--why-not`, `verify` (replay a plan from its inputs), the plan's JSON Schema and
the generated reference documentation."""
