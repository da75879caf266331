"""The ``refwatch`` command line: thin Typer commands over :mod:`refwatch.services`.

Each module registers one command or command group on the root app in
:mod:`refwatch.cli.app`; a command parses its options, calls one service and
prints the result.
"""
