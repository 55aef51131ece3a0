"""Fixes: applying rules' node replacements, proving them, writing files atomically."""
