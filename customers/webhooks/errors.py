class SignatureError(Exception):
    """The request is not signed with a configured secret (HTTP 401)."""


class PayloadError(ValueError):
    """The body cannot be read as the documented format (HTTP 400); the message says why."""
