"""Every scanner of repository or user text runs in linear time: adversarial text of a few
hundred kilobytes takes milliseconds, never the minutes a backtracking pattern would."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from engine.commands.common import safe_text
from engine.estate.extract.terraform import references
from engine.render.mermaid import mermaid_text

ADVERSARIAL = {
    "unclosed heredocs": "<<A\n" * 20_000,
    "distinct unclosed heredocs": "".join(f"<<A{i}\n" for i in range(20_000)),
    "unclosed strings": '"' * 100_000,
    "unclosed comments": "/*" * 50_000,
    "dotted words": "a_b." * 50_000,
    "long word": "aaaa_" * 40_000,
    "escapes": "\x1b[" * 50_000,
    "brackets": '["<>{}' * 30_000,
}
SCANNERS: dict[str, Callable[[str], object]] = {
    "terraform references": references,
    "mermaid labels": mermaid_text,
    "terminal-safe output": safe_text,
}


@pytest.mark.parametrize("scanner", sorted(SCANNERS))
@pytest.mark.parametrize("text", sorted(ADVERSARIAL))
def test_linear(scanner: str, text: str) -> None:
    start = time.process_time()  # CPU: a loaded machine does not count
    SCANNERS[scanner](ADVERSARIAL[text])
    assert time.process_time() - start < 1


def test_heredocs_and_comments_are_not_mined() -> None:
    code = (
        'policy = <<-POLICY\n  {"r": "${aws_s3_bucket.logs.arn}", "n": "aws_iam_role.hidden"}\n  POLICY\n'
        'x = aws_kms_key.k.arn # aws_s3_bucket.commented\n/* aws_sqs_queue.blocked */ y = "${var.v}"\n'
        "z = <<EOT\nnever closed aws_sns_topic.t\n"
    )
    assert references(code) == ["aws_kms_key.k", "aws_s3_bucket.logs", "aws_sns_topic.t", "var.v"]
