"""What a Terraform expression says, read only where it is safe and useful: literal switches,
names, charts and versions, bare references (`var.x`, `local.y`, `module.m.out`), provider
choices, and the Kubernetes objects a `kubernetes_manifest` or `kubectl_manifest` embeds.

Only attributes whose names say they hold a switch, a name, a chart or a version are read, and
never one whose name says it holds a secret: literal values of any other attribute (passwords,
tokens, keys) never reach facts.
"""

from __future__ import annotations

import re
import textwrap

from engine.estate.extract.kinds import KubeDoc
from engine.estate.extract.kubernetes import object_doc
from engine.estate.extract.yamldocs import load_documents

# attributes whose literal value infraplan reads (switches, names, charts, versions; a
# database's engine and its parameter group's family, which name the engine and its version)
_READ = re.compile(
    r"^(count|for_each|create|enabled?|chart|chart_name|repository|namespace|name|release_name|"
    r"cluster_name|config_context|environment|env|stage|workspace|engine|family)$"
    r"|_version$|^version$|^create_|^enable_"
)
_SECRETISH = re.compile(r"(?i)pass|secret|token|key|cred|auth|cert")
_LITERAL_STRING = re.compile(r'^"((?:[^"\\$]|\\.|\$(?!\{))*)"$')
_SCALAR = re.compile(r"^(-?\d+(?:\.\d+)?|true|false)$")
_FALLBACK = re.compile(
    r'^(?:try|coalesce)\((?P<args>.*),\s*(?P<last>"[^"$]*"|-?\d+|true|false)\s*\)$', re.S
)
_BARE_REF = re.compile(
    r"^(?:var|local)\.[A-Za-z_][\w-]*$|^module\.[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*$"
)
_EMPTY = re.compile(r"^(?:\{\s*\}|\[\s*\]|toset\(\s*\[\s*\]\s*\))$")
_PROVIDER_REF = re.compile(
    r"(?P<key>[A-Za-z][\w-]*)\s*=\s*(?P<value>[A-Za-z][\w-]*(?:\.[A-Za-z_][\w-]*)?)"
)
_FILE_REF = re.compile(r'(?:file|templatefile)\(\s*"\$\{path\.module\}/([^"$]+)"')
_HEREDOC = re.compile(r"<<-?(?P<tag>[A-Z_]+)\n(?P<body>.*?)\n\s*(?P=tag)\b", re.S)
MANIFEST_TYPES = {"kubernetes_manifest": "manifest", "kubectl_manifest": "yaml_body"}


def readable(name: str) -> bool:
    """An attribute whose literal value infraplan may read."""
    return bool(_READ.search(name)) and not _SECRETISH.search(name)


def literal(raw: str) -> str | None:
    """A literal string, number or bool (also the fallback of `try(x, "lit")`); None otherwise."""
    raw = raw.strip()
    found = _LITERAL_STRING.match(raw)
    if found:
        return found.group(1)
    if _SCALAR.match(raw):
        return raw
    if _EMPTY.match(raw):
        return "empty"
    fallback = _FALLBACK.match(raw)
    if fallback:
        return literal(fallback.group("last"))
    return None


def bare_reference(raw: str) -> str:
    """`var.x`, `local.y` or `module.m.out` when the expression is only that, else ''."""
    raw = raw.strip()
    fallback = _FALLBACK.match(raw)
    if fallback:
        raw = fallback.group("args").strip()
    return raw if _BARE_REF.match(raw) else ""


def provider_choices(attrs: dict[str, str]) -> dict[str, str]:
    """Provider type → configuration a block uses (`provider = helm.tools`, `providers = {...}`)."""
    out: dict[str, str] = {}
    if "provider" in attrs:
        value = attrs["provider"].strip()
        out[value.split(".")[0]] = value
    if "providers" in attrs:
        for m in _PROVIDER_REF.finditer(attrs["providers"]):
            out[m.group("key")] = m.group("value")
    return out


def file_references(code: str) -> list[str]:
    """Files a block reads relative to its module (`file("${path.module}/x.yaml")`)."""
    return sorted(set(_FILE_REF.findall(code)))


def embedded_objects(resource_type: str, attrs: dict[str, tuple[str, int]]) -> list[KubeDoc]:
    """Kubernetes objects written inside a manifest resource: an HCL object or YAML text."""
    name = MANIFEST_TYPES.get(resource_type)
    if name is None or name not in attrs:
        return []
    raw, line = attrs[name]
    heredoc = _HEREDOC.search(raw)
    if heredoc:
        offset = raw[: heredoc.start("body")].count("\n")
        docs, _ = load_documents(textwrap.dedent(heredoc.group("body")))
        found = []
        for doc_line, data in docs:
            if isinstance(data, dict):
                doc = object_doc(line + offset + doc_line - 1, data)
                if doc is not None:
                    found.append(doc)
        return found
    fields = _hcl_object_fields(raw)
    if fields.get("apiVersion") and fields.get("kind"):
        return [
            KubeDoc(
                line=line,
                api_version=fields["apiVersion"],
                kind=fields["kind"],
                name=fields.get("metadata.name", ""),
                namespace=fields.get("metadata.namespace", ""),
            )
        ]
    return []


_ASSIGN = re.compile(r'^\s*"?(?P<key>[A-Za-z_][\w.-]*)"?\s*[=:]\s*(?P<value>.*?)\s*,?\s*$')


def _hcl_object_fields(raw: str) -> dict[str, str]:
    """Top-level `key = "literal"` pairs of an HCL object, and those of its `metadata`."""
    fields: dict[str, str] = {}
    depth = 0
    section = ""
    for line in raw.splitlines():
        match = _ASSIGN.match(line)
        if match and depth == 1:
            value = match.group("value")
            if value.startswith("{"):
                section = match.group("key")
            else:
                found = literal(value)
                if found is not None:
                    fields.setdefault(match.group("key"), found)
        elif match and depth == 2 and section == "metadata":
            found = literal(match.group("value"))
            if found is not None:
                fields.setdefault(f"metadata.{match.group('key')}", found)
        depth += line.count("{") - line.count("}")
        if depth <= 1:
            section = ""
    return fields
