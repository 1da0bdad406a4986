"""`python -m classroom_ops` runs the CLI."""

from .cli import main

main()
