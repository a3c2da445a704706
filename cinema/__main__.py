"""`python -m cinema` is the `cinema` command."""

from cinema.cli import main

raise SystemExit(main())
