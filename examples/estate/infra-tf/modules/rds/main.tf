# An application database: RDS PostgreSQL with its master credentials in Secrets Manager.

resource "aws_db_subnet_group" "this" {
  name       = "${var.environment}-${var.identifier}"
  subnet_ids = var.subnet_ids
}

resource "aws_security_group" "db" {
  name   = "${var.environment}-${var.identifier}-db"
  vpc_id = var.vpc_id

  dynamic "ingress" {
    for_each = var.allowed_security_groups
    content {
      from_port       = 5432
      to_port         = 5432
      protocol        = "tcp"
      security_groups = [ingress.value]
    }
  }
}

resource "random_password" "master" {
  length  = 32
  special = false
}

resource "aws_db_instance" "this" {
  count                  = var.enabled ? 1 : 0
  identifier             = "${var.environment}-${var.identifier}"
  engine                 = "postgres"
  engine_version         = var.engine_version
  instance_class         = var.instance_class
  allocated_storage      = 50
  username               = "app_admin"
  password               = random_password.master.result
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.db.id]
  backup_retention_period = var.environment == "prod" ? 14 : 1
  deletion_protection    = var.environment == "prod"
  tags                   = local.tags
}

resource "aws_secretsmanager_secret" "master" {
  name        = "${var.environment}/${var.identifier}/rds"
  description = "Master credentials of ${var.identifier} (read by External Secrets)"
  tags        = local.tags
}

resource "aws_secretsmanager_secret_version" "master" {
  secret_id = aws_secretsmanager_secret.master.id
  secret_string = jsonencode({
    username = aws_db_instance.this[0].username
    password = random_password.master.result
    host     = aws_db_instance.this[0].address
  })
}

locals {
  tags = merge(var.tags, { "acme.io/component" = var.identifier })
}
