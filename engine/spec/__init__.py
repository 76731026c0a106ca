"""Spec: what is asked — the enhancement spec (model and loading), free-text intake that turns a
sentence into a spec, and the `.infraplan.yaml` configuration."""
