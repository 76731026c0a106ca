"""Estate: what the repositories hold — discovery, extraction (one extractor per format),
the content-addressed cache, resolution of what Flux/kustomize apply, placement (environment,
cluster, namespace, owners), the dependency graph and the summary."""
