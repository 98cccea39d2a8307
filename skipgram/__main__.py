"""`python -m skipgram ...` runs the command line."""

from skipgram.cli import main

raise SystemExit(main())
