"""law layer."""
