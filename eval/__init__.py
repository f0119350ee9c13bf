"""Quality evaluations: `make eval` runs them all."""
