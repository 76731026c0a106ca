"""`infraplan attest PLAN.json --key KEY.pem [-o PLAN.intoto.json]`: sign a plan's evidence."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic_core import from_json

from engine.audit.attest import load_key, sign, statement
from engine.commands.common import emit
from engine.commands.settings import Settings
from engine.core import limits
from engine.core.files import decode, read_bytes
from engine.plan.model import read_plan


def run(settings: Settings, plan_file: str, key_file: str, output: str | None) -> int:
    path = Path(plan_file)
    read_plan(path)  # a plan, of a schema this infraplan reads, or one clear error
    data = read_bytes(path, limits.current().plan_bytes, plan_file, "INFRAPLAN_MAX_PLAN_BYTES")
    key = load_key(Path(key_file), private=True)
    stmt = statement(data, from_json(decode(data, plan_file)), path.name)  # a BOM is dropped
    emit(json.dumps(sign(stmt, key), indent=2, ensure_ascii=False) + "\n", output)
    return 0
