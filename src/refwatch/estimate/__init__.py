"""estimate layer."""
