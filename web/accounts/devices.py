"""Device cookies: a browser that has signed a user in before is not throttled with strangers.

OWASP's "Slow Down Online Guessing Attacks with Device Cookies": a successful sign-in (or a
manager's approval typed at a till) gives the browser a signed cookie naming the device (a
random id) and the usernames that have signed in on it. Then for a username:

- a browser whose cookie names it is *trusted*: its wrong passwords are counted for that
  device alone, so only that device is locked after too many;
- every other client is *untrusted*: their wrong passwords are counted together per username,
  and per client address over all usernames. A stranger who locks ``admin`` out locks out
  untrusted clients only; the owner's own browser still signs in.

The cookie is HttpOnly and signed (HMAC-SHA256 with the secret key): it cannot be forged for
another user, and an attacker's own sign-in makes their browser trusted for their own name only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

DEVICE_COOKIE = "otop_device"
MAX_AGE_SECONDS = 365 * 24 * 3600
MAX_USERS = 10  # a shared till's browser: the cashiers and managers who sign in there


@dataclass(frozen=True, slots=True)
class Device:
    """A browser's device cookie: its id and the usernames it has signed in."""

    device_id: str
    usernames: tuple[str, ...]

    def trusted_for(self, username: str) -> str | None:
        """The device's id when it has signed ``username`` in before, else None."""
        return self.device_id if username in self.usernames else None


def _sign(secret: str, body: bytes) -> str:
    key = hashlib.sha256(b"device-cookie:" + secret.encode()).digest()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def read_device(secret: str, cookie: str | None) -> Device | None:
    """The device a cookie names, or None when absent, forged or malformed."""
    if not cookie:
        return None
    body, _, signature = cookie.partition(".")
    if not hmac.compare_digest(_sign(secret, body.encode()).encode(), signature.encode()):
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(body.encode()))
        device_id, usernames = str(claims["d"]), tuple(str(u) for u in claims["u"])
    except (binascii.Error, ValueError, KeyError, TypeError):
        return None
    return Device(device_id, usernames)


def device_cookie(secret: str, device: Device | None, username: str) -> str:
    """The cookie after ``username`` signed in on ``device`` (a new device when None): the
    username last, the oldest dropped beyond :data:`MAX_USERS`."""
    device_id = device.device_id if device else secrets.token_urlsafe(16)
    earlier = [u for u in (device.usernames if device else ()) if u != username]
    usernames = [*earlier, username][-MAX_USERS:]
    body = base64.urlsafe_b64encode(
        json.dumps({"d": device_id, "u": usernames}, separators=(",", ":")).encode()
    )
    return f"{body.decode()}.{_sign(secret, body)}"
