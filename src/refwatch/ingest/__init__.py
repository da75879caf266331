"""Ingest: reading files (text, Markdown, HTML, PDF) into document records.

``readers`` turns bytes into text, ``language`` names the language,
``metadata`` reads the ``--metadata`` table, ``dates`` parses the human dates in
it, and ``discovery`` expands the paths given on the command line. Storing is
the services layer's job.
"""
