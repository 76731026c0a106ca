"""attest and verify --attestation through the command line: a signed in-toto Statement in a
DSSE envelope, checked offline; tampering with the plan, an input, the key or the envelope fails
naming what."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from engine.audit.attest import PAYLOAD_TYPE, PREDICATE_TYPE, STATEMENT_TYPE, input_digests, pae
from tests.conftest import EXAMPLES, run_cli, run_entry_point

REPOS = ("infra-tf", "infra-flux", "deployments")


def _keys(folder: Path, name: str) -> tuple[Path, Path]:
    key = ed25519.Ed25519PrivateKey.generate()
    private = folder / f"{name}.pem"
    public = folder / f"{name}.pub.pem"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private, public


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A work tree with a spec, the example estate, a plan of them and a key pair."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(EXAMPLES / "estate", tmp_path / "estate")
    shutil.copy(EXAMPLES / "specs" / "rds-rotation.yaml", tmp_path / "rds.yaml")
    result = run_cli("plan", "rds.yaml", *_repos(tmp_path), "-o", "plan.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    _keys(tmp_path, "key")
    return tmp_path


def _repos(ws: Path) -> list[str]:
    return [a for n in REPOS for a in ("--repo", f"{n}={ws / 'estate' / n}")]


def _attest(ws: Path, key: str = "key.pem", out: str = "plan.intoto.json") -> Path:
    result = run_cli("attest", "plan.json", "--key", key, "-o", out, cwd=ws)
    assert result.returncode == 0, result.stderr
    return ws / out


def _verify(ws: Path, public: str = "key.pub.pem", plan: str = "plan.json"):  # type: ignore[no-untyped-def]
    return run_cli(
        "verify",
        plan,
        *_repos(ws),
        "--no-cache",
        "--attestation",
        "plan.intoto.json",
        "--public-key",
        public,
        cwd=ws,
    )


def test_round_trip(ws: Path) -> None:
    attestation = _attest(ws)
    envelope = json.loads(attestation.read_text(encoding="utf-8"))
    assert envelope["payloadType"] == PAYLOAD_TYPE
    [signature] = envelope["signatures"]
    assert signature["keyid"].startswith("sha256:") and signature["sig"]
    statement = json.loads(base64.b64decode(envelope["payload"]))
    assert statement["_type"] == STATEMENT_TYPE
    assert statement["predicateType"] == PREDICATE_TYPE
    [subject] = statement["subject"]
    assert subject["name"] == "plan.json" and len(subject["digest"]["sha256"]) == 64
    plan = json.loads((ws / "plan.json").read_text(encoding="utf-8"))
    predicate = statement["predicate"]
    assert predicate["inputs"] == plan["inputs"]
    assert predicate["tool"] == plan["tool"]
    assert predicate["decisions"]["risk"] == plan["decisions"]["risk"]["value"]
    inputs = {d["input"] for d in predicate["input_digests"]}
    assert {"inputs.spec", "inputs.rules", "inputs.knowledge", "inputs.repositories"} <= inputs
    assert {"inputs.rule_files", "inputs.knowledge_files"} <= inputs
    # deterministic: Ed25519 signatures are, and so is everything around them
    again = _attest(ws, out="again.json")
    assert again.read_bytes() == attestation.read_bytes()
    result = _verify(ws)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "attestation verified" in result.stdout and "verified —" in result.stdout


def test_the_signature_is_over_dsse_pae(ws: Path) -> None:
    envelope = json.loads(_attest(ws).read_text(encoding="utf-8"))
    body = base64.b64decode(envelope["payload"])
    public = serialization.load_pem_public_key((ws / "key.pub.pem").read_bytes())
    assert isinstance(public, ed25519.Ed25519PublicKey)
    public.verify(base64.b64decode(envelope["signatures"][0]["sig"]), pae(PAYLOAD_TYPE, body))
    assert pae("t", b"ab") == b"DSSEv1 1 t 2 ab"


def test_a_tampered_plan_fails_on_its_digest(ws: Path) -> None:
    _attest(ws)
    plan = json.loads((ws / "plan.json").read_text(encoding="utf-8"))
    plan["decisions"]["risk"]["value"] = "low"
    (ws / "plan.json").write_text(json.dumps(plan, indent=2), encoding="utf-8")
    result = _verify(ws)
    assert result.returncode == 1
    assert "FAILED plan digest" in result.stdout
    assert "signature: verified" in result.stdout
    assert "risk: low → medium" in result.stdout


def test_a_tampered_input_fails_naming_it(ws: Path) -> None:
    _attest(ws)
    spec = ws / "rds.yaml"
    spec.write_text(spec.read_text().replace("risk: medium", "risk: high"), encoding="utf-8")
    result = _verify(ws)
    assert result.returncode == 1
    assert "attestation verified" in result.stdout  # the plan is the attested one ...
    assert "spec rds.yaml:" in result.stdout  # ... but its spec drifted


def test_the_wrong_key_fails_on_the_signature(ws: Path) -> None:
    _attest(ws)
    _keys(ws, "other")
    result = _verify(ws, public="other.pub.pem")
    assert result.returncode == 1
    assert "FAILED signature: does not verify with the given public key" in result.stdout
    assert "plan digest: sha256:" in result.stdout


def test_a_corrupted_envelope(ws: Path) -> None:
    path = _attest(ws)
    envelope = json.loads(path.read_text(encoding="utf-8"))
    statement = json.loads(base64.b64decode(envelope["payload"]))
    statement["predicate"]["decisions"]["risk"] = "low"
    envelope["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    path.write_text(json.dumps(envelope), encoding="utf-8")
    result = _verify(ws)
    assert result.returncode == 1 and "FAILED signature" in result.stdout
    for broken, message in (
        ("{not json", "not JSON"),
        (
            '{"payload": "%%%", "payloadType": "application/vnd.in-toto+json", "signatures": [{"sig": "x"}]}',
            "not base64",
        ),
        (
            '{"payload": "e30=", "payloadType": "text/plain", "signatures": [{"sig": "x"}]}',
            "payloadType",
        ),
        (
            '{"payload": "e30=", "payloadType": "application/vnd.in-toto+json", "signatures": []}',
            "no signatures",
        ),
        (
            '{"payload": "e30=", "payloadType": "application/vnd.in-toto+json", "signatures": [{"sig": "x"}]}',
            "not an in-toto Statement",
        ),
    ):
        path.write_text(broken, encoding="utf-8")
        result = _verify(ws)
        assert result.returncode == 2, broken
        assert "plan.intoto.json: not an infraplan attestation: " in result.stderr
        assert message in result.stderr
        assert "Traceback" not in result.stderr


def test_key_errors_are_clear_and_never_show_the_key(ws: Path) -> None:
    secret = (ws / "key.pem").read_text(encoding="utf-8")
    body = "".join(secret.splitlines()[1:-1])
    (ws / "garbage.pem").write_text(
        "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n"
    )
    rsa_like = ws / "ec.pem"
    from cryptography.hazmat.primitives.asymmetric import ec

    rsa_like.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cases = [
        (("attest", "plan.json", "--key", "key.pub.pem"), "key.pub.pem: not a PEM private key"),
        (("attest", "plan.json", "--key", "garbage.pem"), "garbage.pem: not a PEM private key"),
        (("attest", "plan.json", "--key", "ec.pem"), "ec.pem: not an Ed25519 private key"),
        (("attest", "plan.json", "--key", "missing.pem"), "missing.pem"),
        (("attest", "plan.json"), "Missing option '--key'"),
        (
            ("verify", "plan.json", "--attestation", "x.json"),
            "--attestation and --public-key go together",
        ),
    ]
    for args, message in cases:
        result = run_cli(*args, cwd=ws)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert message in result.stderr
        assert body not in result.stdout + result.stderr
    _attest(ws)
    result = _verify(ws, public="key.pem")
    assert (
        result.returncode == 2
        and "key.pem: not a PEM public key (it holds a private key)" in result.stderr
    )
    assert body not in result.stdout + result.stderr


def test_through_the_entry_point(ws: Path) -> None:
    ran = run_entry_point("attest", "plan.json", "--key", "key.pem", cwd=ws)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["payloadType"] == PAYLOAD_TYPE
    ran = run_entry_point("attest", "plan.json", "--key", "key.pub.pem", cwd=ws)
    assert ran.returncode == 2 and "Traceback" not in ran.stderr


def test_input_digests_are_found_by_shape() -> None:
    inputs = {
        "spec": {"path": "s.yaml", "sha256": "aa"},
        "rules": "sha256:bb",
        "bundles": [{"name": "estate", "digest": "sha256:cc"}],
        "request": "",
    }
    assert input_digests(inputs) == [
        {"input": "inputs.bundles", "name": "estate", "sha256": "cc"},
        {"input": "inputs.rules", "name": "", "sha256": "bb"},
        {"input": "inputs.spec", "name": "s.yaml", "sha256": "aa"},
    ]


def test_a_signed_predicate_that_is_not_the_plans_fails(ws: Path) -> None:
    # whoever holds the key signs decisions the plan does not have: the digest matches, the
    # predicate does not
    envelope = json.loads(_attest(ws).read_text(encoding="utf-8"))
    statement = json.loads(base64.b64decode(envelope["payload"]))
    statement["predicate"]["decisions"]["risk"] = "low"
    body = json.dumps(statement, sort_keys=True, separators=(",", ":")).encode()
    key = serialization.load_pem_private_key((ws / "key.pem").read_bytes(), password=None)
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    envelope["payload"] = base64.b64encode(body).decode("ascii")
    envelope["signatures"][0]["sig"] = base64.b64encode(key.sign(pae(PAYLOAD_TYPE, body))).decode(
        "ascii"
    )
    (ws / "plan.intoto.json").write_text(json.dumps(envelope), encoding="utf-8")
    result = _verify(ws)
    assert result.returncode == 1 and "predicate" in result.stdout, result.stdout


def test_a_plan_with_a_byte_order_mark_is_attested(ws: Path) -> None:
    (ws / "plan.json").write_bytes(b"\xef\xbb\xbf" + (ws / "plan.json").read_bytes())
    _attest(ws)
    assert _verify(ws).returncode == 0


def test_an_output_that_is_an_input_is_refused(ws: Path) -> None:
    key = (ws / "key.pem").read_bytes()
    result = run_cli("attest", "plan.json", "--key", "key.pem", "-o", "key.pem", cwd=ws)
    assert result.returncode == 2 and "is an input of this command" in result.stderr
    assert (ws / "key.pem").read_bytes() == key
    plan = (ws / "plan.json").read_bytes()
    result = run_cli("brief", "plan.json", "-o", "plan.json", cwd=ws)
    assert result.returncode == 2 and (ws / "plan.json").read_bytes() == plan
