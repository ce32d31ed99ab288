"""Where foedus writes: one home for the rules that keep a user's files safe.

- A command writes a *new* results folder (``new_folder``): a folder that does not exist yet or is
  empty. A folder that holds anything is refused in one line, never emptied.
- A command that *replaces* its own folder (``replace_folder``, the demo) builds the new one beside
  it and swaps it in only once it is whole; it replaces only a folder that holds nothing but what
  that command writes.
- A command writes a *file* (``new_file``, ``write_file``): an existing file is replaced only if
  foedus wrote it (it carries the command's mark); a folder in its place is refused.
- Every problem of an output path (a file in the way, a read-only or full file system, a name too
  long, no permission) is an :class:`~foedus.errors.OutputError`: one line naming the path, exit 2.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from foedus.errors import OutputError

NAME_MAX = 255  # bytes in one file name on Linux, macOS and Windows file systems alike

# errno -> what it means for an output path, in the user's words
_WHY = {errno.EROFS: "the file system is read-only", errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "the disk quota is exhausted", errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted", errno.ENAMETOOLONG: "a name in the path is too long",
        errno.ENOTDIR: "a part of the path is a file, not a folder", errno.EISDIR: "a folder is in the way",
        errno.EEXIST: "a file is in the way", errno.ENOENT: "cannot be created there (no such file or folder)",
        errno.EINVAL: "not a path that can be written"}


def output_error(exc: OSError, path: object | None = None) -> OutputError:
    """The one-line OutputError for an OSError met while writing ``path``."""
    where = path if path is not None else (exc.filename or "output")
    return OutputError(where, _WHY.get(exc.errno or 0, exc.strerror or str(exc)))


@contextlib.contextmanager
def writing(path: object) -> Iterator[None]:
    """Turn any OSError raised inside into a one-line OutputError naming ``path``."""
    try:
        yield
    except OSError as exc:
        raise output_error(exc, path) from None


def check_path(path: str | Path) -> Path:
    """A path that can name an output: no name in it longer than the file system allows."""
    p = Path(path)
    for part in p.parts:
        if len(os.fsencode(part)) > NAME_MAX:
            raise OutputError(f"{part[:40]}...", f"a name of {len(os.fsencode(part))} bytes; a file system "
                                                  f"allows at most {NAME_MAX}")
    return p


def _probe(folder: Path, named: Path | None = None) -> None:
    """Create and remove a file in ``folder``: the one sure test that it can be written (``os.access``
    says yes to root on a read-only file system). An error names ``named`` (default: ``folder``)."""
    with writing(named or folder):
        fd, tmp = tempfile.mkstemp(prefix=".foedus-probe-", dir=folder)
        os.close(fd)
        os.unlink(tmp)


def _make_parent(path: Path) -> None:
    parent = path.parent
    with writing(path):
        if parent.exists() and not parent.is_dir():
            raise OutputError(path, f"{parent} is a file, not a folder")
        parent.mkdir(parents=True, exist_ok=True)
    _probe(parent, path)


def _is_cwd_or_above(path: Path) -> bool:
    here, p = Path.cwd().resolve(), path.resolve()
    return p == here or p in here.parents


def new_folder(path: str | Path, hints: dict[str, str] | None = None) -> Path:
    """A new results folder at ``path``, created: it must not exist yet or be empty. ``hints`` end
    the refusal of a folder holding a file of that name (e.g. how to resume an interrupted run)."""
    p = check_path(path)
    if p.exists() and not p.is_dir():
        raise OutputError(p, "a file is in the way; expected a new or empty folder")
    if p.is_dir() and any(p.iterdir()):
        hint = next((h for name, h in (hints or {}).items() if (p / name).is_file()), "")
        raise OutputError(p, "the folder is not empty; foedus writes only into a new or empty folder"
                          + (f" ({hint})" if hint else ""))
    _make_parent(p)
    with writing(p):
        p.mkdir(exist_ok=True)
    _probe(p)
    return p


def _foreign(folder: Path, ours: Callable[[Path], bool]) -> list[str]:
    return sorted(e.name for e in folder.iterdir() if not ours(e))


def replaceable_folder(path: str | Path, ours: Callable[[Path], bool], what: str) -> Path:
    """Check, before any work is done, that ``replace_folder`` may write ``path``."""
    p = check_path(path)
    if p.exists() and not p.is_dir():
        raise OutputError(p, f"a file is in the way; expected {what}, a new or empty folder")
    if p.is_dir():
        if _is_cwd_or_above(p):
            raise OutputError(p, "the current folder (or one above it) cannot be replaced; name a folder inside it")
        foreign = _foreign(p, ours)
        if foreign:
            raise OutputError(p, f"holds {foreign[0]!r}" + (f" and {len(foreign) - 1} more" if len(foreign) > 1 else "")
                              + f", which is not part of {what}; expected {what} (replaced whole) or a new or "
                                "empty folder")
    _make_parent(p)
    return p


def files_named(*names: str) -> Callable[[Path], bool]:
    """``ours`` for a folder of these files only."""
    return lambda entry: entry.name in names and entry.is_file()


@contextlib.contextmanager
def replace_folder(path: str | Path, ours: Callable[[Path], bool], what: str) -> Iterator[Path]:
    """Build a folder beside ``path`` (yielded) and, once the block ends without error, put it in
    ``path``'s place. An existing ``path`` is replaced only if every entry in it is ``ours`` (one
    that the command itself writes); otherwise nothing is written and an OutputError names an entry
    that is not. On error the half-built folder goes and ``path`` is untouched."""
    p = replaceable_folder(path, ours, what)
    with writing(p.parent):
        work = Path(tempfile.mkdtemp(prefix=f".{p.name[:200]}-new-", dir=p.parent))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(work, 0o777 & ~umask)  # mkdtemp makes it private; results are for reading
    try:
        yield work
        _swap(work, p)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _swap(work: Path, p: Path) -> None:
    """``work`` takes ``p``'s name. The old folder first moves aside (a rename, instantaneous), so at
    every moment ``p`` is either the old folder or the new one, whole."""
    with writing(p):
        if not p.exists():
            work.rename(p)
            return
        trash = Path(tempfile.mkdtemp(prefix=f".{p.name[:200]}-old-", dir=p.parent))
        p.rename(trash / p.name)
        try:
            work.rename(p)
        except OSError:
            (trash / p.name).rename(p)  # put the old one back
            raise
        shutil.rmtree(trash, ignore_errors=True)


def new_file(path: str | Path, mark: str | tuple[str, ...], what: str) -> Path:
    """Check that ``path`` can take a file foedus writes: a new file, or one that foedus wrote before
    (its first or last 4 KiB hold ``mark``, or one of several). A folder, or a file of the user's,
    is refused in one line."""
    p = check_path(path)
    if p.is_dir():
        raise OutputError(p, f"a folder is in the way; expected the name of {what}")
    if p.exists():
        try:
            with p.open("rb") as fh:
                ends = fh.read(4096)
                fh.seek(max(0, p.stat().st_size - 4096))
                ends += fh.read(4096)
        except OSError as exc:
            raise output_error(exc, p) from None
        text = ends.decode("utf-8", "replace")
        if not any(m in text for m in ((mark,) if isinstance(mark, str) else mark)):
            raise OutputError(p, f"the file exists and foedus did not write it; expected the name of {what} "
                                 "(a new file, or one foedus wrote)")
    _make_parent(p)
    return p


def write_file(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole: to a temporary name beside it first, then moved into place,
    so that a reader never sees half a file and a failure leaves the old file as it was."""
    p = Path(path)
    with writing(p):
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name[:200]}.", suffix=".part", dir=p.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; an output is for reading
            os.replace(tmp, p)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    return p
