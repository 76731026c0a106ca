"""Knowledge: the knowledge base as data — decision tree, categories, scopes, experts,
environments, stages, patterns, probes, upgrade notes, rollout layers and strategies."""
