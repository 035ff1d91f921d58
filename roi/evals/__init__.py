"""Sample runs: measure accuracy, latency and cost of each model on the firm's own examples."""
