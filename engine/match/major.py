"""What a hop to another major version needs beyond the version itself, grounded in the estate
(knowledge/tools.yaml `upgrade_inputs`, `major_checks`): the Terraform inputs that change with
it in the same apply, each where the estate writes it (`allow_major_version_upgrade = false` on
the database, a parameter group's `family = "postgres15"`), and what to do before the hop (a
snapshot, extension updates, the engine's own blockers)."""

from __future__ import annotations

import re

from engine.core.models import Out
from engine.estate.model import Estate, K8sObject, TerraformFact
from engine.knowledge.grounding import Tool, UpgradeInput
from engine.match.probes import considered
from engine.match.subject import is_installation, matches

# a value that ends in a major version: `postgres15`, `aurora-postgresql15`, `mysql8.0`
_NAMES_MAJOR = re.compile(r"^(?P<prefix>.*?)(?P<major>\d+(?:\.\d+)?)$")


class InputChange(Out):
    """A Terraform input a major upgrade changes, where the estate writes it (or the block that
    leaves it at the provider's default)."""

    at: str  # repo/path:line of the block
    block: str  # its address: aws_db_parameter_group.this
    input: str
    value: str  # as written, or "not set (false)"
    needs: str
    why: str

    @property
    def said(self) -> str:
        """`family = "postgres16"` (was "postgres15", at modules/db/main.tf:12)."""
        return f"{self.input} = {hcl(self.needs)} (was {self.value}, at {self.at})"


def hcl(value: str) -> str:
    """A literal as HCL writes it: `true`, `7`, `"postgres16"`."""
    return (
        value if value in {"true", "false"} or value.replace(".", "", 1).isdigit() else f'"{value}"'
    )


def crosses_major(installed: list[tuple[int, int, int]], target: tuple[int, int, int]) -> bool:
    """Whether some installation is on a lower major version than the target."""
    return any(v[0] < target[0] for v in installed)


def _blocks(rule: UpgradeInput, estate: Estate) -> list[TerraformFact]:
    return [
        b
        for b in estate.terraform
        if considered(b.delivery)
        and (
            (b.block == "resource" and b.type in rule.terraform)
            or (b.block == "module" and any(m in b.source for m in rule.modules))
        )
    ]


def input_changes(
    tool: Tool, estate: Estate, lowest_major: int, target_major: str
) -> list[InputChange]:
    """The inputs a hop from `lowest_major` to `target_major` changes, as the estate has them:
    a switch the tool's own blocks leave off or at its default, a value that names the major
    version. An input written as a reference is not judged."""
    out = []
    for rule in tool.upgrade_inputs:
        for b in _blocks(rule, estate):
            if rule.input in b.input_refs:
                continue
            written = b.inputs.get(rule.input)
            if rule.follows_major:
                found = _NAMES_MAJOR.match(written or "")
                if (
                    found is None
                    or not found.group("prefix").startswith(tuple(rule.prefixes))
                    or int(float(found.group("major"))) >= int(float(target_major))
                    or int(float(found.group("major"))) < lowest_major
                ):
                    continue
                needs = found.group("prefix") + target_major
                value = hcl(written or "")
            else:
                if not is_installation(tool, b) or written == rule.value:
                    continue
                needs = rule.value
                value = hcl(written) if written is not None else f"not set ({rule.unset})"
            out.append(
                InputChange(
                    at=b.where,
                    block=b.address,
                    input=rule.input,
                    value=value,
                    needs=needs,
                    why=rule.why,
                )
            )
    return sorted(out, key=lambda c: (c.at.rsplit(":", 1)[0], int(c.at.rsplit(":", 1)[1]), c.input))


def major_checks(
    tool: Tool, installations: list[K8sObject | TerraformFact], installed: str, target: str
) -> list[str]:
    """What to do before a hop to another major version, for the installations the estate has
    (a check for RDS databases only when one installs the tool), with the lowest installed
    version, the target and the engine the installations set filled in."""
    engines = sorted(
        {
            i.inputs[name]
            for i in installations
            if isinstance(i, TerraformFact)
            for name in tool.input_values
            if name in i.inputs
        }
    )
    fill = {"installed": installed, "target": target, "engine": "/".join(engines) or "<engine>"}

    def filled(text: str) -> str:
        for name, value in fill.items():
            text = text.replace("{" + name + "}", value)
        return text

    return [
        filled(c.text)
        for c in tool.major_checks
        if not (c.terraform or c.modules or c.kinds or c.api_groups or c.charts)
        or any(matches(c, i) for i in installations)
    ]
