"""Property tests (hypothesis): parsers never raise on any input, and are deterministic."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.core.redact import redact
from engine.estate.extract import EXTRACTORS, extract
from engine.estate.extract.terraform import references
from engine.estate.extract.yamldocs import load_documents

KINDS = sorted(EXTRACTORS)
YAMLISH = st.text(
    alphabet=st.sampled_from(list("abcdefgh:-[]{}&*!|>'\"#\n  \t0123456789.,=$%@")), max_size=300
)
HCLISH = st.text(
    alphabet=st.sampled_from(list('resourcevariablmodu "{}[]=$.,_\n#/*()0123456789')), max_size=300
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(KINDS), data=st.binary(max_size=400))
def test_extractors_never_raise_on_bytes(kind: str, data: bytes) -> None:
    first = extract(kind, data, "x.yaml")
    assert first == extract(kind, data, "x.yaml")


@settings(max_examples=200, deadline=None)
@given(text=YAMLISH)
def test_yaml_loader_never_raises_and_is_deterministic(text: str) -> None:
    docs, problems = load_documents(text)
    assert (docs, problems) == load_documents(text)
    assert all(isinstance(line, int) and line >= 0 for line, _ in problems)


@settings(max_examples=200, deadline=None)
@given(text=HCLISH)
def test_terraform_extractor_never_raises(text: str) -> None:
    facts = extract("terraform", text.encode(), "main.tf")
    assert facts == extract("terraform", text.encode(), "main.tf")
    for problem in facts.problems:
        assert problem.reason.startswith("not valid HCL") or problem.reason.startswith(
            "extractor failed"
        )


@given(text=st.text(max_size=200))
def test_references_are_sorted_and_unique(text: str) -> None:
    refs = references(text)
    assert refs == sorted(set(refs))


@given(
    secret=st.from_regex(r"[A-Za-z0-9]{8,24}", fullmatch=True),
    key=st.sampled_from(["password", "token", "api_key", "secret"]),
)
def test_redaction_removes_key_value_secrets(secret: str, key: str) -> None:
    text = f"the {key}={secret} is old"
    assert secret not in redact(text)
