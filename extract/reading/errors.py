"""The one exception the reading layer raises for a file it cannot read."""

from __future__ import annotations


class ReadError(Exception):
    """A file that cannot be read, with a stable `code` slug and a `message` for people.

    `code` is what the ledger and the extractor's `reason` key on (contract §1); the message
    says what was found and what the user can do about it.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def __reduce__(self) -> tuple[type[ReadError], tuple[str, str]]:  # picklable across processes
        return (type(self), (self.code, self.message))
