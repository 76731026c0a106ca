"""Terraform extraction: blocks with lines, meta-arguments, modules, references; no values."""

from __future__ import annotations

from engine.estate.extract.terraform import extract_terraform, extract_tfvars, references

MAIN = """terraform {
  required_version = ">= 1.6"
  backend "s3" {
    bucket = "state"
  }
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
    legacy = "~> 2.0"
  }
}

variable "db_password" {
  type      = string
  sensitive = true
  default   = "not-for-facts"
}

locals {
  prefix = "${var.env}-app"
  sg     = aws_security_group.db.id
}

resource "aws_security_group" "db" {
  name = "${local.prefix}-db"
  dynamic "ingress" {
    for_each = var.cidrs
    content {
      cidr_blocks = [ingress.value]
    }
  }
}

resource "aws_db_instance" "main" {
  count                  = var.enabled ? 1 : 0
  identifier             = "orders"
  password               = var.db_password
  vpc_security_group_ids = [local.sg]
  # aws_fake.commented_out is not a reference
  description            = "see aws_docs.page for details"
}

resource "aws_iam_role" "per_env" {
  for_each = toset(["dev", "prod"])
  name     = "app-${each.key}"
}

module "lambda" {
  source     = "terraform-aws-modules/lambda/aws"
  version    = "7.2.0"
  depends_on = [aws_db_instance.main]
}

module "local" {
  source = "../modules/rds"
}

data "aws_caller_identity" "me" {}

output "endpoint" {
  value = aws_db_instance.main[0].endpoint
}
"""


def _blocks():
    blocks, problems = extract_terraform(MAIN)
    assert problems == []
    return {(b.block, b.type, b.name): b for b in blocks}


def test_blocks_and_lines() -> None:
    b = _blocks()
    assert b[("resource", "aws_db_instance", "main")].line == 36
    assert b[("data", "aws_caller_identity", "me")].line == 60
    assert b[("terraform", "", "")].version == ">= 1.6"
    assert b[("backend", "s3", "")].line == 3
    assert b[("required_provider", "aws", "")].source == "hashicorp/aws"
    assert b[("required_provider", "aws", "")].version == "~> 5.40"
    assert b[("required_provider", "legacy", "")].version == "~> 2.0"


def test_meta_arguments() -> None:
    b = _blocks()
    assert b[("resource", "aws_db_instance", "main")].meta == ["count"]
    assert b[("resource", "aws_iam_role", "per_env")].meta == ["for_each"]
    assert b[("resource", "aws_security_group", "db")].meta == ["dynamic"]


def test_module_calls() -> None:
    b = _blocks()
    lam = b[("module", "", "lambda")]
    assert (lam.source, lam.version) == ("terraform-aws-modules/lambda/aws", "7.2.0")
    assert lam.references == ["aws_db_instance.main"]
    assert b[("module", "", "local")].source == "../modules/rds"


def test_references_skip_strings_and_comments() -> None:
    b = _blocks()
    refs = b[("resource", "aws_db_instance", "main")].references
    assert refs == ["local.sg", "var.db_password", "var.enabled"]
    assert b[("local", "", "sg")].references == ["aws_security_group.db"]
    assert b[("resource", "aws_security_group", "db")].references == ["local.prefix", "var.cidrs"]
    assert references('x = "${aws_iam_role.r.arn}" # data.aws_x.y') == ["aws_iam_role.r"]


def test_names_are_kept_values_are_not() -> None:
    b = _blocks()
    assert b[("resource", "aws_db_instance", "main")].names == ["orders"]
    variable = b[("variable", "", "db_password")]
    assert variable.sensitive is True
    assert "not-for-facts" not in repr(extract_terraform(MAIN))


def test_invalid_hcl_is_a_problem_with_a_line_and_no_text() -> None:
    blocks, problems = extract_terraform(
        'resource "a_b" "c" {\n  password = "s3cr3t-value\n  x = \n}\n'
    )
    assert blocks == []
    ((line, reason),) = problems
    assert line >= 2 and reason.startswith("not valid HCL")
    assert "s3cr3t" not in reason


def test_tfvars_names_and_only_version_values() -> None:
    names, values, lines, problems = extract_tfvars(
        'db_password = "hunter2"\nregion = "eu-west-1"\ntags = { a = "b" }\n'
        'cluster_version = "1.30"\nenvironment = "prod"\napi_token_version = "x9"\n'
    )
    assert names == [
        "api_token_version",
        "cluster_version",
        "db_password",
        "environment",
        "region",
        "tags",
    ]
    assert values == {"cluster_version": "1.30", "environment": "prod"} and problems == []
    assert lines == {"cluster_version": 4, "environment": 5}
    assert "hunter2" not in repr((names, values, lines))


def test_booleans_are_read_whatever_the_attribute_is_called() -> None:
    # a literal boolean only says whether something is on; the password beside it stays unread
    blocks, _ = extract_terraform(
        'module "db" {\n  source = "terraform-aws-modules/rds/aws"\n'
        "  manage_master_user_password_rotation = true\n  storage_encrypted = false\n"
        '  master_password = "s3cr3t-value"\n  password_length = 32\n}\n'
    )
    (db,) = blocks
    assert db.inputs["manage_master_user_password_rotation"] == "true"
    assert db.inputs["storage_encrypted"] == "false"
    assert "master_password" not in db.inputs and "password_length" not in db.inputs
    assert "s3cr3t" not in repr(blocks)


def test_a_database_engine_and_its_parameter_group_family_are_read() -> None:
    blocks, _ = extract_terraform("""resource "aws_db_parameter_group" "pg" {
  name   = "ledger-pg15"
  family = "postgres15"
}

resource "aws_db_instance" "db" {
  engine                      = "postgres"
  engine_version              = var.engine_version
  allow_major_version_upgrade = false
  password                    = "not-for-facts"
}
""")
    group, db = blocks
    assert group.inputs["family"] == "postgres15"
    assert db.inputs["engine"] == "postgres" and db.inputs["allow_major_version_upgrade"] == "false"
    assert db.input_refs["engine_version"] == "var.engine_version"
    assert "password" not in db.inputs
