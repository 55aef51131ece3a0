"""Configuration: pyproject.toml's [tool.simplelint] and the CLI, resolved into Settings."""
