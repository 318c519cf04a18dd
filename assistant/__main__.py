"""Run the command line: ``python -m assistant``."""

from assistant.cli.main import main

raise SystemExit(main())
