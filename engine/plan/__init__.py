"""Plan: the plan model, and building it — decisions, the rollout planner, waivers, template
prose and optional model-drafted prose."""
