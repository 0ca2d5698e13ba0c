"""`python -m academichub` runs the CLI."""

from academichub.cli import main

main()
