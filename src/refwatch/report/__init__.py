"""Publishing: public (redacted) outputs built from linked incidents."""
