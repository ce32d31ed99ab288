"""One exception family. The CLI maps these to exit codes and one clear line."""

from __future__ import annotations


class FoedusError(Exception):
    """Base of every error foedus raises on purpose."""

    exit_code = 1


class BadInput(FoedusError):
    """Input from a user (a file, an argument) is not what was expected. Exit code 2."""

    exit_code = 2


class ScenarioError(BadInput):
    """A scenario file is malformed or inconsistent: names the file, the field, what was expected."""

    def __init__(self, file: str, field: str, expected: str, found: object | None = None):
        self.file, self.field, self.expected, self.found = str(file), field, expected, found
        msg = f"{self.file}: {field}: expected {expected}"
        if found is not None:
            text = repr(found) if not isinstance(found, str) else repr(found)
            if len(text) > 80:
                text = text[:77] + "..."
            msg += f", found {text}"
        super().__init__(msg)


class RuleViolation(BadInput):
    """An event breaks a treaty rule: names the rule and the event."""

    def __init__(self, rule: str, event: str, detail: str = ""):
        self.rule, self.event, self.detail = rule, event, detail
        msg = f"rule violated: {rule}: {event}"
        if detail:
            msg += f" ({detail})"
        super().__init__(msg)


class ArgumentError(BadInput):
    """A command-line or API argument is out of range or of the wrong kind.

    ``name`` is the Python argument (``runs``, ``chunk_size``; a flag given as ``--chunk-size`` is
    stored as ``chunk_size``), so that an error raised from Python names what the caller wrote; the
    CLI names the flag instead (``foedus.cli.flag``)."""

    def __init__(self, name: str, expected: str, found: object | None = None, cli_expected: str | None = None):
        if name.startswith("--") and " " not in name:
            name = name[2:].replace("-", "_")
        self.name, self.expected, self.found = name, expected, found
        self.cli_expected = cli_expected or expected  # where the remedy is a flag on the command line
        super().__init__(self.message(name))

    def message(self, shown: str, cli: bool = False) -> str:
        """The error's line, naming the argument as ``shown`` (``cli``: as the command line says it)."""
        msg = f"argument {shown}: expected {self.cli_expected if cli else self.expected}"
        if self.found is not None:
            msg += f", found {self.found!r}"
        return msg


class ResultsError(FoedusError):
    """A results folder is missing, incomplete or inconsistent."""

    exit_code = 2


class OutputError(BadInput):
    """An output path cannot be written as asked (a file where a folder is wanted, a folder holding
    what foedus did not write, a read-only or full file system, a name too long): names the path."""

    def __init__(self, path: object, why: str):
        self.path, self.why = str(path), why
        super().__init__(f"{self.path}: {why}")


class DataFileError(BadInput):
    """A data file foedus reads (a bundled data set, or one given in its place) is missing or
    malformed: names the file, the field and what was expected."""

    def __init__(self, file: object, field: str, expected: str, found: object | None = None):
        self.file, self.field, self.expected, self.found = str(file), field, expected, found
        msg = f"{self.file}: {field}: expected {expected}"
        if found is not None:
            text = repr(found)
            msg += f", found {text[:77] + '...' if len(text) > 80 else text}"
        super().__init__(msg)
