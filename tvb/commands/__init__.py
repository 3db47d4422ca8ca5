"""One module per ``tvb`` command; each defines ``command``, registered in :mod:`tvb.cli`."""
