variable "environment" {
  type        = string
  description = "dev, staging or prod"
}

variable "identifier" {
  type = string
}

variable "enabled" {
  type    = bool
  default = true
}

variable "engine_version" {
  type    = string
  default = "15.5"
}

variable "instance_class" {
  type    = string
  default = "db.t4g.medium"
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "allowed_security_groups" {
  type    = list(string)
  default = []
}

variable "tags" {
  type    = map(string)
  default = {}
}
