"""Model text in a plan: plain Markdown prose, whatever the model sent (no litellm needed)."""

from __future__ import annotations

import time

import pytest

from engine.plan.llm import markdown_safe


def test_markdown_html_links_and_escapes_are_neutralized() -> None:
    text = markdown_safe(
        "# Take over\n<script>alert(1)</script> [click](javascript:alert(1)) "
        "\x1b[31mred\x1b[0m https://evil.example/x **bold** user@example.com www.x.org\u202e\n"
        "1. first\n- item\n    indented code\n\n\n\nlast | cell"
    )
    assert text.splitlines() == [
        "\\# Take over",
        "\\<script\\>alert(1)\\</script\\> \\[click\\](javascript:alert(1)) red "
        "`https://evil.example/x` \\*\\*bold\\*\\* `user@example.com` `www.x.org`",
        "1\\. first",
        "\\- item",
        "indented code",
        "",
        "last \\| cell",
    ]


def test_plain_prose_is_kept() -> None:
    prose = "Rotate the production credentials in staging first, then in prod (risk: medium)."
    assert markdown_safe(prose) == prose


@pytest.mark.parametrize(
    "text", ["a." * 100_000, "x " * 100_000, "a@" * 100_000, "\x1b[" + "0" * 100_000]
)
def test_linear_time(text: str) -> None:
    start = time.process_time()  # CPU: a loaded machine does not count
    markdown_safe(text)
    assert time.process_time() - start < 2
