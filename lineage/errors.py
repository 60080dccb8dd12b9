"""Every exception the library raises, and how the CLI reports each one.

Each error inherits from the built-in it refines, so callers may catch either.
Messages quote the object, say what is wrong and name the fix.
"""

from __future__ import annotations


class LineageError(Exception):
    """Base class for all lineage errors."""

    exit_code = 2


class UnknownEntity(LineageError, KeyError):
    """An id that is not in the catalog or the store."""

    def __init__(self, kind: str, ident: str, suggestions: list[str] | None = None, listing: str | None = None):
        self.kind, self.ident, self.suggestions = kind, ident, suggestions or []
        hint = f' Did you mean "{self.suggestions[0]}"?' if self.suggestions else ""
        see = f" See 'lineage {listing}'." if listing else ""
        super().__init__(f'{kind} "{ident}" not found.{hint}{see}')

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.args[0]


class SourceFormatError(LineageError, ValueError):
    """A source document that cannot be read as what it claims to be."""


class UnsupportedLayout(LineageError, ValueError):
    """A config whose parameter layout we cannot count without guessing."""


class SourceConflict(LineageError, ValueError):
    """A document claims the id of a source already in the store but is different bytes (``--replace`` to allow)."""


class CatalogError(LineageError, ValueError):
    """Seed data that fails validation (typo, dangling reference, duplicate id)."""


class StoreError(LineageError, OSError):
    """The store cannot be opened or written."""

    exit_code = 3


class StoreLocked(StoreError):
    """Another writer kept the store's lock for longer than a writer waits."""

    def __init__(self, path: object, holder: str, waited: float):
        super().__init__(
            f'the store "{path}" is locked by {holder}; gave up after {waited:g} s. '
            "Try again when it finishes (LINEAGE_LOCK_WAIT sets the wait)."
        )


class BadStorePath(LineageError, ValueError):
    """A store path the file system refuses as a name (too long): bad input, not a store that failed."""


class EmptyStore(LineageError, LookupError):
    """A query against a store that has not been built."""

    def __init__(self, path: object):
        super().__init__(f'the store at "{path}" is empty. Run \'lineage build\' first.')


class MissingStore(EmptyStore):
    """A read command pointed at a folder that holds no store (reading never creates one)."""

    def __init__(self, path: object):
        LookupError.__init__(self, f'no store at "{path}". Run \'lineage build\' first.')


class UnsafeQuery(SourceFormatError):
    """A saved query that would write or call out (a SPARQL update or SERVICE, a Cypher write or a
    procedure that writes): refused before it runs."""


class QueryTimeout(LineageError, TimeoutError):
    """A query that ran past its time limit (``--timeout``): the query asks too much, so bad input."""


class ExternalServiceError(LineageError, ConnectionError):
    """A network service (arXiv, Hugging Face, Bolt server) failed."""

    exit_code = 3


class MissingExtra(LineageError, ImportError):
    """An optional dependency (an extra such as ``techniques``) is not installed."""


class CheckFailed(LineageError):
    """A check ran and found problems (SHACL violations, unverified claims)."""

    exit_code = 1


class IncompleteStore(CheckFailed):
    """The store holds part of a build: ``lineage build`` was interrupted and has not been run again."""

    def __init__(self, path: object, started: str):
        super().__init__(
            f'the store "{path}" is incomplete: the \'lineage build\' started at {started} did not finish. '
            "Run 'lineage build' to redo it."
        )


EXIT_CODES: dict[type[BaseException], int] = {
    CheckFailed: 1,
    UnknownEntity: 2,
    SourceFormatError: 2,
    UnsafeQuery: 2,
    QueryTimeout: 2,
    UnsupportedLayout: 2,
    SourceConflict: 2,
    CatalogError: 2,
    EmptyStore: 2,
    BadStorePath: 2,
    StoreError: 3,
    ExternalServiceError: 3,
    MissingExtra: 2,
}
"""Exit code per error class; the CLI walks the MRO to find the first match."""


def exit_code_for(error: BaseException) -> int:
    """Exit code for an exception: 2 for bad input, 3 for services, 1 for failed checks."""
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1
