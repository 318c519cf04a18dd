"""The web app's optional login: ``user:password`` entries from the settings, checked in constant time."""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable

from assistant.settings import Settings


def load_logins(settings: Settings) -> dict[str, str]:
    """User names and passwords of the web login (``auth`` and the lines of ``auth_file``).

    Raises:
        ValueError: when a login is not ``user:password`` or the file cannot be read.
    """
    logins: dict[str, str] = {}
    entries: list[tuple[str, str]] = []
    if settings.auth is not None:
        entries.append(("ASSISTANT_AUTH", settings.auth.get_secret_value()))
    if settings.auth_file is not None:
        try:
            lines = settings.auth_file.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise ValueError(f"cannot read the login file {settings.auth_file}: {error.strerror}") from None
        entries += [
            (f"{settings.auth_file} line {number}", line.strip())
            for number, line in enumerate(lines, start=1)
            if line.strip() and not line.lstrip().startswith("#")
        ]
    for where, entry in entries:
        user, _, password = entry.partition(":")
        if not user.strip() or not password:
            raise ValueError(f"{where}: a login must be written user:password")
        logins[user.strip()] = password
    return logins


def make_login_check(logins: dict[str, str]) -> Callable[[str, str], bool]:
    """A login check for Gradio that compares passwords in constant time."""

    def check(user: str, password: str) -> bool:
        expected = logins.get(user)
        return expected is not None and hmac.compare_digest(expected.encode(), password.encode())

    return check


def is_loopback(host: str) -> bool:
    """Whether an address only accepts connections from this machine."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
