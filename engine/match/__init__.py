"""Match: the knowledge applied to this enhancement and estate — the pattern it follows, the
probes that pattern asks, where the change lands (integration points), what depends on it
(impact), and the upgrade notes that apply."""
