"""Store: the only package that holds SQL."""
