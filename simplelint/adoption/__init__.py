"""Adopting simplelint on existing code: baselines and changed lines."""
