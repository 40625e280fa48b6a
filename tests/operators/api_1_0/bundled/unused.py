"""Beside the operator but never imported: must not be bundled or change the build key."""

NOTHING = None
