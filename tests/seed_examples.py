"""The seed's three YAML examples, verbatim (seed/infrastructure-enhancement-workflow.md)."""

SEED_RDS = """# Enhancement request structure
enhancement:
  name: "rds-rotation-integration"
  category: "secret-management"
  scope: "multi-environment"

planning_agents:
  - secret-guardian: "Design rotation workflows"
  - terraform-auditor: "Plan RDS Lambda integration"
  - troubleshooting-guide: "Plan developer experience"

implementation_phases:
  - terraform: "Create rotation Lambda and policies"
  - secret-management: "Update PR workflow for rotation"
  - application: "Update app-compat chart integration"
  - documentation: "Update developer guides"
"""

SEED_KARPENTER = """enhancement:
  name: "karpenter-upgrade-optimization"
  category: "cost-optimization"
  scope: "cluster-wide"

planning_agents:
  - cleanup-specialist: "Identify optimization opportunities"
  - flux-navigator: "Plan Karpenter configuration updates"
  - monitoring-analyst: "Plan cost tracking enhancements"

implementation_phases:
  - karpenter: "Upgrade to latest version"
  - node-pools: "Optimize spot instance configurations"
  - monitoring: "Enhanced cost visibility dashboards"
  - policies: "Update Kyverno node scheduling policies"
"""

SEED_VM = """enhancement:
  name: "monitoring-stack-enhancement"
  category: "observability"
  scope: "monitor-cluster"

planning_agents:
  - monitoring-analyst: "Plan metrics and alerting improvements"
  - incident-responder: "Design better incident workflows"
  - flux-navigator: "Plan Helm chart upgrades"
"""
