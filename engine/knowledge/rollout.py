"""How a rollout is worded and ordered, as knowledge: rollout layers (knowledge/rollout.yaml),
the steps a deployment strategy adds (knowledge/strategies.yaml) and a feature flag's step
(knowledge/feature-flags.yaml)."""

# no `from __future__ import annotations`: pydantic would compile every field annotation
# from a string at each start-up (docs/performance.md, `check` start-up)

from engine.core.modelbase import Field
from engine.core.models import Strict


class LayerMatch(Strict):
    terraform: bool = False
    kinds: list[str] = Field(default_factory=list)
    charts: bool = False
    workflows: bool = False


class RolloutLayer(Strict):
    """A kind of change in rollout order within an environment (knowledge/rollout.yaml)."""

    id: str
    order: int
    title: str
    matches: LayerMatch
    action: str
    validation: str
    rollback: str
    minutes: int = Field(description="How long a step of this layer takes, for the timeline.")
    per_environment: bool = True
    default: bool = Field(default=False, description="The layer of phases of no known kind.")
    default_controller: str = Field(
        default="",
        description="Who applies its phases when no repository says (knowledge/controllers.yaml).",
    )
    emergency_stop: str = ""  # how to halt a rollout that has steps in this layer


class StepText(Strict):
    """A step a strategy or a feature flag adds: what to do, how to check it, how to undo it."""

    action: str
    validation: str
    rollback: str
    minutes: int
    unless_traits: list[str] = Field(
        default_factory=list,
        description="Left out for a change with one of these traits (a version change is not "
        "enabled per team or namespace).",
    )


class StrategySteps(Strict):
    """Steps a deployment strategy adds around each stage's rollout."""

    id: str
    layer: str = Field(description="The layer name its steps carry in a plan.")
    before: list[StepText] = Field(default_factory=list)
    after: list[StepText] = Field(default_factory=list)
    emergency_stop: list[str] = Field(default_factory=list)
    replaced_by_feature_flag: bool = False


class FeatureFlagSteps(Strict):
    """The step a feature flag adds to each stage (knowledge/feature-flags.yaml)."""

    id: str
    layer: str
    unnamed: str = Field(description="How an unnamed flag is called in step texts.")
    step: StepText
    emergency_stop: str
