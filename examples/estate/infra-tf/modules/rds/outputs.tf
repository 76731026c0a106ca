output "endpoint" {
  value = aws_db_instance.this[0].address
}

output "secret_arn" {
  value = aws_secretsmanager_secret.master.arn
}
