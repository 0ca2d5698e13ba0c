"""Sources: the outside world turned into RawItems (network and recorded files)."""
