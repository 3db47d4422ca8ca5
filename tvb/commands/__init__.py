"""One module per command (or group of commands), registered in :mod:`tvb.cli`."""
