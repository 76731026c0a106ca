"""Core: what every step shares — errors, base models, YAML source maps, validation, digests,
and where the bundled rules and knowledge live. Depends on nothing else in engine."""
