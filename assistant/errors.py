"""User-facing errors and exit codes: problems the user can fix, shown as one line, never a traceback."""

EXIT_OK = 0
EXIT_FAILED = 1
"""A check ran and found the work below its bar (the eval gate)."""
EXIT_USAGE = 2
"""Bad input or configuration: a one-line message on stderr."""
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A problem with a command's arguments or files: printed as one line, exit code 2."""


class InputError(ValueError):
    """A question (or other user input) the assistant cannot take, with a message for the user."""
