"""Signed, offline-verifiable evidence of a plan: an in-toto Statement in a DSSE envelope.

The Statement (https://in-toto.io/Statement/v1) names the plan file by its SHA-256 (`subject`);
its predicate (PREDICATE_TYPE) records the tool, the plan's recorded `inputs` exactly as the plan
holds them (whatever fields they have: spec, rules, knowledge, repositories, bundles), every
digest found in them as a flat list, and the decisions. The envelope's one signature is Ed25519
over DSSE's pre-authentication encoding, PAE("DSSEv1", payloadType, payload); Ed25519 signatures
are deterministic, so one key and one plan give one byte-identical attestation.

Key material is never printed: key errors name the file and what is wrong, not the content.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic_core import from_json

from engine.core import limits
from engine.core.errors import InputError, Problem
from engine.core.files import decode, read_bytes

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
PREDICATE_TYPE = "https://infraplan.dev/attestation/plan/v1"
KEY_BYTES = 64_000


def pae(payload_type: str, body: bytes) -> bytes:
    """DSSE's pre-authentication encoding: what is signed, never the payload alone."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(body), body)


def _canonical(data: object) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def input_digests(inputs: object, at: str = "inputs") -> list[dict[str, str]]:
    """Every digest the plan's inputs record, found by shape rather than by field name, so that
    inputs added later (bundles, ...) are attested too: `{input, name, sha256}`, sorted."""
    found: list[dict[str, str]] = []
    if isinstance(inputs, dict):
        for key in ("sha256", "digest"):
            value = inputs.get(key)
            if isinstance(value, str) and value:
                name = str(inputs.get("path") or inputs.get("name") or "")
                found.append({"input": at, "name": name, "sha256": value.removeprefix("sha256:")})
        for key, value in inputs.items():
            if (
                isinstance(value, str)
                and value.startswith("sha256:")
                and key not in ("sha256", "digest")
            ):
                found.append({"input": f"{at}.{key}", "name": "", "sha256": value[7:]})
            elif isinstance(value, dict | list):
                found.extend(input_digests(value, f"{at}.{key}"))
    elif isinstance(inputs, list):
        for item in inputs:
            found.extend(input_digests(item, at))
    return sorted(found, key=lambda d: (d["input"], d["name"], d["sha256"]))


def statement(plan_bytes: bytes, plan_json: dict[str, Any], name: str) -> dict[str, Any]:
    """The in-toto Statement for a plan file's bytes (and its parsed JSON)."""
    decisions = plan_json.get("decisions") or {}
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": name, "digest": {"sha256": hashlib.sha256(plan_bytes).hexdigest()}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "tool": plan_json.get("tool", {}),
            "schema_version": plan_json.get("schema_version", ""),
            "inputs": plan_json.get("inputs", {}),
            "input_digests": input_digests(plan_json.get("inputs", {})),
            "decisions": {
                dim: d.get("value") if isinstance(d, dict) else None
                for dim, d in sorted(decisions.items())
            },
        },
    }


def sign(stmt: dict[str, Any], key: Any) -> dict[str, Any]:
    """The DSSE envelope of a Statement, signed with an Ed25519 private key."""
    body = _canonical(stmt)
    signature = key.sign(pae(PAYLOAD_TYPE, body))
    return {
        "payload": base64.b64encode(body).decode("ascii"),
        "payloadType": PAYLOAD_TYPE,
        "signatures": [
            {"keyid": keyid(key.public_key()), "sig": base64.b64encode(signature).decode("ascii")}
        ],
    }


def keyid(public_key: Any) -> str:
    """The key's id in an envelope: the SHA-256 of its DER SubjectPublicKeyInfo."""
    from cryptography.hazmat.primitives import serialization

    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return "sha256:" + hashlib.sha256(der).hexdigest()


def load_key(path: Path, private: bool) -> Any:
    """An Ed25519 key from a PEM file; InputError naming the file (never its content)."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    what = "private" if private else "public"
    name = str(path)
    data = read_bytes(path, KEY_BYTES, name)

    def fail(reason: str) -> InputError:
        return InputError([Problem(name, 0, 0, reason)])

    try:
        key: Any = (
            serialization.load_pem_private_key(data, password=None)
            if private
            else serialization.load_pem_public_key(data)
        )
    except TypeError:
        raise fail("the private key is encrypted; give an unencrypted PEM key") from None
    except (ValueError, binascii.Error, UnsupportedAlgorithm):
        other = b"PRIVATE KEY" in data if not private else b"PUBLIC KEY" in data
        hint = f" (it holds a {'public' if private else 'private'} key)" if other else ""
        raise fail(f"not a PEM {what} key{hint}") from None
    wanted = ed25519.Ed25519PrivateKey if private else ed25519.Ed25519PublicKey
    if not isinstance(key, wanted):
        raise fail(f"not an Ed25519 {what} key (make one with: openssl genpkey -algorithm ed25519)")
    return key


def read_envelope(path: Path) -> tuple[dict[str, Any], bytes, list[dict[str, str]]]:
    """A DSSE envelope holding an infraplan Statement: (statement, payload bytes, signatures);
    InputError naming the file when it is not one."""
    name = str(path)

    def fail(reason: str) -> InputError:
        return InputError([Problem(name, 0, 0, f"not an infraplan attestation: {reason}")])

    text = decode(
        read_bytes(path, limits.current().plan_bytes, name, "INFRAPLAN_MAX_PLAN_BYTES"), name
    )
    try:
        envelope = from_json(text)  # bounded nesting, unlike json.loads
    except ValueError:
        raise fail("not JSON") from None
    if not isinstance(envelope, dict) or not isinstance(envelope.get("payload"), str):
        raise fail("no DSSE payload")
    if envelope.get("payloadType") != PAYLOAD_TYPE:
        raise fail(f"payloadType is not {PAYLOAD_TYPE}")
    signatures = envelope.get("signatures")
    if not isinstance(signatures, list) or not signatures:
        raise fail("no signatures")
    if not all(isinstance(s, dict) and isinstance(s.get("sig"), str) for s in signatures):
        raise fail("a signature without `sig`")
    try:
        body = base64.b64decode(envelope["payload"], validate=True)
    except (binascii.Error, ValueError):
        raise fail("the payload is not base64") from None
    try:
        stmt = from_json(body)
    except ValueError:
        raise fail("the payload is not JSON") from None
    if not isinstance(stmt, dict) or stmt.get("_type") != STATEMENT_TYPE:
        raise fail(f"the payload is not an in-toto Statement ({STATEMENT_TYPE})")
    if stmt.get("predicateType") != PREDICATE_TYPE:
        raise fail(f"the predicate is not {PREDICATE_TYPE}")
    sigs = [{"keyid": str(s.get("keyid", "")), "sig": s["sig"]} for s in signatures]
    return stmt, body, sigs


def check(
    envelope_path: Path, public_key_path: Path, plan_bytes: bytes
) -> tuple[list[str], list[str]]:
    """What holds and what failed: the signature (over PAE), and the plan file's digest against
    the attested subject."""
    from cryptography.exceptions import InvalidSignature

    stmt, body, sigs = read_envelope(envelope_path)
    key = load_key(public_key_path, private=False)
    ok: list[str] = []
    failed: list[str] = []
    signed = pae(PAYLOAD_TYPE, body)
    for s in sigs:
        try:
            key.verify(base64.b64decode(s["sig"], validate=True), signed)
        except (InvalidSignature, binascii.Error, ValueError):
            continue
        ok.append(f"signature: verified with the given public key ({_short(keyid(key))})")
        break
    else:
        ids = ", ".join(_short(s["keyid"]) for s in sigs if s["keyid"]) or "no keyid"
        failed.append(
            f"signature: does not verify with the given public key ({_short(keyid(key))}); "
            f"signed by {ids} — another key, or the attestation was altered"
        )
    digest = hashlib.sha256(plan_bytes).hexdigest()
    subjects = [s for s in stmt.get("subject") or [] if isinstance(s, dict)]
    attested = [str((s.get("digest") or {}).get("sha256", "")) for s in subjects]
    if digest in attested:
        ok.append(f"plan digest: sha256:{digest[:12]} is the attested plan")
        if stmt.get("predicate") != _predicate_of(plan_bytes, stmt):
            failed.append(
                "predicate: the signed inputs or decisions are not this plan's (the attestation "
                "was made from something else, or altered and signed again)"
            )
    else:
        was = ", ".join(f"sha256:{a[:12]}" for a in attested) or "none"
        failed.append(
            f"plan digest: the plan is sha256:{digest[:12]}, the attestation is for {was} "
            "(the plan was changed after it was attested, or it is another plan)"
        )
    return ok, failed


def _predicate_of(plan_bytes: bytes, stmt: dict[str, Any]) -> Any:
    """The predicate `attest` writes for these plan bytes."""
    from pydantic_core import from_json

    from engine.core.files import decode

    subjects = [s for s in stmt.get("subject") or [] if isinstance(s, dict)]
    name = str(subjects[0].get("name", "")) if subjects else ""
    try:
        plan_json = from_json(decode(plan_bytes, name or "plan"))
    except (ValueError, InputError):
        return None
    if not isinstance(plan_json, dict):
        return None
    return statement(plan_bytes, plan_json, name)["predicate"]


def _short(digest: str) -> str:
    return digest[: len("sha256:") + 12]


def render_check(plan_path: str, ok: list[str], failed: list[str]) -> str:
    """The attestation's part of verify's report: what failed first, then what holds."""
    head = "attestation FAILED" if failed else "attestation verified"
    lines = [f"{plan_path}: {head}"]
    lines += [f"  - FAILED {f}" for f in failed] + [f"  - {o}" for o in ok]
    return "\n".join(lines) + "\n"
