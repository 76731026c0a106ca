# The workload clusters: EKS with Karpenter for node provisioning.

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "19.21.0"

  cluster_name    = var.cluster_name
  cluster_version = "1.28"
  vpc_id          = var.vpc_id
  subnet_ids      = var.subnet_ids
}

module "karpenter" {
  source  = "terraform-aws-modules/eks/aws//modules/karpenter"
  version = "19.21.0"

  cluster_name           = module.eks.cluster_name
  irsa_oidc_provider_arn = module.eks.oidc_provider_arn
}

resource "aws_iam_role_policy_attachment" "karpenter_ssm" {
  for_each   = toset(["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"])
  role       = module.karpenter.role_name
  policy_arn = each.value
}

variable "cluster_name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

output "cluster_name" {
  value = module.eks.cluster_name
}
