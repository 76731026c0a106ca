"""Decide: the rules — their model, compilation and loading, one operator table, the
durable_rules adapter, evaluation into decisions with traces, `rules lint` and rule test cases."""
