"""Placeholder: rules of this family are being built."""

from __future__ import annotations

RULES: list[type] = []
