"""A synthetic B2B world with planted ground truth (`buyergraph generate`); see docs/generate.md."""
