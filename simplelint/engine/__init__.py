"""One file: parse once, run every rule in one traversal, positions, suppressions."""
