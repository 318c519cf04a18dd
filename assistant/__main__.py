"""Run the command line: ``python -m assistant``."""

from assistant.cli import main

raise SystemExit(main())
