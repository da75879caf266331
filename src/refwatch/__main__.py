"""Allow ``python -m refwatch``."""

from refwatch.cli.app import main

if __name__ == "__main__":
    main()
