"""The exception tree. Every error a user can cause is an :class:`LlmeconError`."""

from __future__ import annotations


class LlmeconError(Exception):
    """Base class of every error llmecon raises on purpose."""


class InputError(LlmeconError, ValueError):
    """Bad input: a file, a field or an argument that is not what was expected.

    The message names where (file, row or key), what was expected and what was found.
    ``lines``: one message per problem when there are several (the message joins them).
    """

    def __init__(self, *args: object, lines: list[str] | None = None) -> None:
        super().__init__(*args)
        self.lines = lines


class NotFoundError(LlmeconError, LookupError):
    """Something named (a company, an item, a period, a rate) does not exist."""


class ValidationError(InputError):
    """A loaded dataset breaks one or more accounting or consistency rules.

    ``problems`` holds one message per broken rule, each naming its place.
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = list(problems)
        if len(self.problems) == 1:
            only = self.problems[0]
            super().__init__(only if only.startswith(source) else f"{source}: {only}")
            return
        head = f"{source}: {len(self.problems)} validation problems"
        super().__init__(head + "\n" + "\n".join(f"  - {p}" for p in self.problems))
