terraform {
  required_version = ">= 1.6"

  backend "s3" {
    bucket = "acme-terraform-state"
    key    = "envs/prod/terraform.tfstate"
    region = "eu-west-1"
  }

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}

provider "aws" {
  region = var.region
}

data "aws_vpc" "main" {
  tags = { Name = "acme-prod" }
}

data "aws_subnets" "private" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.main.id]
  }
}

module "orders_db" {
  source         = "../../modules/rds"
  environment    = "prod"
  identifier     = "orders"
  instance_class = "db.r6g.large"
  vpc_id         = data.aws_vpc.main.id
  subnet_ids     = data.aws_subnets.private.ids
}

module "workload_cluster" {
  source       = "../../modules/eks"
  cluster_name = "workload-prod"
  vpc_id       = data.aws_vpc.main.id
  subnet_ids   = data.aws_subnets.private.ids
}

variable "region" {
  type    = string
  default = "eu-west-1"
}
