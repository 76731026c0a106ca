"""Facts: the rule-fact schema (one typed model per fact type) and one builder per source —
the spec, the estate, decisions, and hand-written rule test cases."""
