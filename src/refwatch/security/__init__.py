"""Security: keys, encryption at rest, and (with the web layer) accounts and permissions.

``crypto`` holds the primitives (AES-256-GCM, HKDF, Argon2id); ``keys`` turns a
passphrase or key file into the master key and the keys derived from it; the
storage layer uses a :class:`~refwatch.security.keys.KeyRing` to seal sensitive
fields and original documents. See ``docs/security.md`` for the threat model.
"""
