"""A run: discovery, the process pool, the cache, the project stage."""
