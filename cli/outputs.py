"""The files a command reads or writes that the user names: spreadsheet-safe CSV, the output
format a name implies, and the checks that keep an output from replacing the store's own
files, a command's inputs or kept evidence (docs/cli.md "Output files").
"""

from __future__ import annotations

import csv
import errno
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path, PosixPath
from typing import IO, BinaryIO

from ledger.application import StoreError
from ledger.errors import InputError, LedgerError
from ledger.newstore import umask
from ledger.privacy import parse_master_key
from ledger.store import (
    StoreLocation,
    check_path,
    parse_store,
)
from ledger.written import exists_refusal, note_written

from cli.settings import settings

# -- spreadsheets --------------------------------------------------------------------------


#: A text cell a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``; a tab or a
#: carriage return first), unless it is a number written as text, which Excel and WPS read as
#: the number: a sign, digits (in thousands groups or not: ``-1,234,567``, ``-1234567``), a
#: decimal part (``-12.50``; or only one: ``-.5``), an exponent (``-1e5``, ``+2.5E-03``).
#: Anything more (``-2+3``, ``-1e5+1``, ``-12.``, ``-5%``, commas not between thousands
#: groups: ``-1,,,``, ``-12,34``) is guarded (a reviewer, session 23: ``-1e5`` was written
#: ``'-1e5``, a text, though docs/cli.md left numbers as they are; a re-tester: any run of
#: commas passed for thousands commas).
_FORMULA_START = tuple("=+-@\t\r")
_NUMBER_TEXT = re.compile(
    r"[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
)


def inert(value: object) -> object:
    """``value`` as a CSV cell Excel and WPS show as written: a text they would take for a
    formula (``=cmd|'/C calc'!A0``, ``=1+2`` typed as a village) gets a ``'`` in front, as a
    spreadsheet's own user types it (tester M, session 18: formula injection). Numbers, and
    texts that are numbers, are left as they are."""
    formula = isinstance(value, str) and value.startswith(_FORMULA_START)
    if formula and not _NUMBER_TEXT.fullmatch(str(value)):
        return f"'{value}"
    return value


class SpreadsheetCSV:
    """``csv.writer`` whose text cells are ``inert``: every CSV ``fupin`` writes."""

    def __init__(self, stream: IO[str]) -> None:
        self._writer = csv.writer(stream, lineterminator="\n")

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([inert(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


#: What a CSV file starts with: Excel and WPS on Chinese Windows read a file without it as
#: GBK, and its Chinese as mojibake (tester M, session 18). Standard output gets none.
CSV_BOM = "\ufeff"


# -- files the user names ------------------------------------------------------------------


#: What a file's name says it holds, by its extension: a spreadsheet opens a file, and the
#: import reads it back, by what its name says (``.xls``: an old workbook, never written).
FILE_KINDS = {
    ".xlsx": "xlsx",
    ".xls": "xls",
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_KIND_NAMES = {
    "xlsx": "an XLSX workbook",
    "xls": "an Excel 97-2003 workbook",
    "csv": "CSV",
    "json": "JSON",
    "jsonl": "JSONL (one JSON object a line)",
}


def output_format(
    output: Path | None, given: str | None, formats: Sequence[str], writer: str, hint: str = ""
) -> str:
    """The format ``writer`` (``export events``) writes ``output`` in: ``given`` (its
    ``--format``), else the one of ``formats`` the file's extension names, else the first of
    ``formats``. A known extension (``FILE_KINDS``) naming another format than the one
    written is refused, before any work (since session 21: ``-o funds.xlsx`` got JSON, which
    Excel would not open and the import misread); an unknown one, or none, is as typed."""
    named = FILE_KINDS.get(output.suffix.lower()) if output is not None else None
    if given is None and named in formats:
        return str(named)
    chosen = given or formats[0]
    if output is None or named is None or named == chosen:
        return chosen
    by = f"--format {given}" if given else writer
    kinds = [_KIND_NAMES[chosen]] if given else [_KIND_NAMES[f] for f in formats]
    writes = " or ".join([", ".join(kinds[:-1]), kinds[-1]] if len(kinds) > 1 else kinds)
    other = f", or give --format {named}" if named in formats else ""
    if named == "xls" and "xlsx" in formats:  # an old workbook's name: a new one's is meant
        chosen = "xlsx" if given is None else chosen
        other = "" if given in (None, "xlsx") else ", or give --format xlsx with a .xlsx name"
    raise InputError(
        "output",
        f"{str(output)!r} is named {output.suffix}, but {by} writes {writes}: "
        f"name it {output.stem}.{chosen}{other}{hint}",
    )


class FolderNamed(PosixPath):
    """A name typed with a trailing slash (``-o keep.csv/``, ``backup bk/``): pathlib drops
    the slash, but whoever typed it named a folder. ``typed`` is the name as typed."""

    typed: str


def output_path(text: str | Path) -> Path:
    """The parser of an option or argument naming a file fupin writes (``parser=output_path``): a
    name ending in a slash is kept as ``FolderNamed``, which ``check_protected`` refuses
    (since session 23: ``-o keep.csv/`` wrote the file ``keep.csv``) where a file is written;
    the CSV templates' ``-o`` names a folder, and takes it."""
    if isinstance(text, Path):  # a default (``report html --out``): typer passes it through
        return text  # (tester I, session 24: 'PosixPath' object has no attribute 'endswith')
    # A name ending in "/" or "/." (re-test O: pathlib drops a last "." too, and
    # `-o keep.csv/.` wrote the file keep.csv); "/" alone is refused as a folder.
    if not text.endswith(("/", "/.")) or not text.strip("/."):
        return Path(text)
    named = FolderNamed(text)
    named.typed = text
    return named


#: Files a command reads, each as (its option, the file): none may be the file it writes.
Inputs = Sequence[tuple[str, Path]]


def check_output(
    path: Path, field: str, *, inputs: Inputs = (), new: str = "", master_key: bool = False
) -> None:
    """Refuse, before any work, a path that cannot become the file written (``field`` names
    the option): one the system cannot look up (a name too long, a loop of links), a folder,
    a file the ledger needs or one of the command's ``inputs`` (its own name or a link to it),
    or a file in a folder that does not exist or cannot be written. With ``new`` (the rule, as
    "a checkpoint file is never overwritten"), an existing file too (a link's target).
    ``master_key`` as ``check_protected`` takes it."""
    if str(path) == "-":  # the usual name of standard output: never a file named "-" here
        raise InputError(
            field,
            "'-' names no file: name the file to write (./- for one so named); where the "
            "output may go to standard output, leave the option out",
        )
    check_path(path, field)
    if str(path) == ".":  # also what an empty value becomes (tester L, session 20)
        raise InputError(
            field, "names no file ('' or '.', the current folder): name a file to write"
        )
    if is_folder(path):
        raise InputError(field, f"{str(path)!r} is a folder; name a file to write")
    check_protected(path, field, inputs, master_key=master_key)
    if _written_in_place(path):
        return  # a descriptor, a device, a pipe: written through as it is
    if new and os.path.lexists(_file_written(path)):
        raise exists_refusal(path, field, new)
    kept = _kept_file(_file_written(path))
    if kept:
        raise InputError(
            field, f"{str(path)!r} is {kept}: never replaced by an output; name another file"
        )
    folder = _file_written(path).parent  # a link's target is replaced in its own folder
    if not is_folder(folder):
        problem = "is not a folder" if os.path.exists(folder) else "does not exist"
        raise InputError(field, f"cannot write {str(path)!r}: {str(folder)!r} {problem}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(field, f"cannot write {str(path)!r}: {str(folder)!r} is read-only")


def _kept_file(path: Path) -> str:
    """What the existing file ``path`` is, if it is one an output never replaces ("" if not):
    a SQLite database (a backup, another store), a private key (PEM), a checkpoint or a proof
    bundle (the external auditor, session 23: ``prove --out`` replaced a kept checkpoint,
    ``export report -o`` the log's private key and a backup, exit 0). Read from its first
    bytes; a file that cannot be read is left to what writes it."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFFED)
    except OSError:
        return ""
    if head.startswith(b"SQLite format 3\x00"):
        return "a SQLite database (a backup or a store)"
    if head.startswith(b"PGDMP"):  # pg_dump's custom archive: a PostgreSQL store's backup
        return "a PostgreSQL backup (pg_dump's archive)"
    if head.startswith(b"\x1f\x8b"):  # gzip: a compressed backup, most likely
        return "a compressed file (a backup kept compressed?)"
    if _master_key_text(head):
        return "a master key (its copy: the key that opens every household's data)"
    if b"-----BEGIN" in head and b"PRIVATE KEY-----" in head:
        return "a private key file"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{") and b'"signature"' in head and b'"root"' in head:
        return "a checkpoint or a proof bundle (a kept one is what proves the log)"
    return ""


#: How much of an existing output is read to know what it is (``_kept_file``).
_SNIFFED = 4096


def _master_key_text(head: bytes) -> bool:
    """Whether ``head`` is a master key file's whole text (``ledger.privacy.parse_master_key``
    reads it: re-test Y, a kept copy of the master key was replaced by a report, exit 0)."""
    try:
        parse_master_key(head.decode("ascii"))
    except (InputError, UnicodeDecodeError):
        return False
    return True


def check_protected(
    path: Path, field: str, inputs: Inputs = (), *, master_key: bool = False
) -> None:
    """Refuse a ``path`` no command may write, whatever it writes (``check_output``'s core):
    a file the ledger needs or one of the command's ``inputs`` (``_needed_file``), or a name
    that leads through a link another user planted in a shared folder (``_planted_link``).
    Since session 23 every file fupin writes goes through it, ``keys new``, ``keys
    new-master``, ``backup`` and the CSV templates too (a security re-tester: `keys
    new-master --out r.db-wal` wrote the master key where SQLite then deleted it). A name
    typed with a trailing slash (``FolderNamed``) names a folder, never a file to write.
    ``master_key``: the command makes a master key (``keys new-master``), which may be the
    master key file the ledger reads while it does not exist yet (it is made exclusively,
    never over one): the README's recipe names it first (tester S, session 23)."""
    if isinstance(path, FolderNamed):
        raise InputError(
            field,
            f"{path.typed!r} ends in a slash{'' if path.typed.endswith('/') else ' and a dot'}, "
            "so it names a folder, not a file: name a file to write (without the slash)",
        )
    needed = _needed_file(path, inputs)
    named = os.environ.get("LEDGER_MASTER_KEY_FILE", "").strip()
    if master_key and named and not os.path.lexists(path) and _same_file(path, Path(named)):
        needed = ""  # the master key file the ledger reads, made now (never over one)
    if needed:
        # (tester M, session 18: `export report funds -o demo.db` replaced the whole ledger with
        # a CSV, `-o demo.db.master-key` the master key with JSON, both "written", exit 0)
        raise InputError(
            field,
            f"{str(path)!r} is {needed}: writing there would destroy it; name another file",
        )
    planted = _planted_link(path) or _foreign_file(path)
    if planted:
        raise InputError(field, f"{str(path)!r} {planted}: name another file")


def check_new_store(location: StoreLocation) -> None:
    """Refuse a new SQLite store's path (``init``, ``import --create``, ``demo``, ``restore``)
    that leads through a link another user planted in a shared folder (``_planted_link``):
    the store, with every household's wrapped key, would be made where they chose (re-test O,
    session 23: ``init`` and ``restore`` into ``/tmp/dirlink/new.db`` made it in another
    folder, and a dangling link made any file root may write)."""
    if location.path is None:
        return
    planted = _planted_link(location.path)
    if planted:
        raise StoreError("store", f"{location.display} {planted}: name another path")


def _foreign_file(path: Path) -> str:
    """Why the existing regular file ``path`` leads to is not replaced ("" if it may be): it
    belongs neither to the caller (euid) nor to its folder's owner, in a sticky,
    world-writable folder (``/tmp``), the kernel's fs.protected_regular rule (a security
    re-tester, session 23: root replaced another user's 6777 file in a sticky folder, and
    kept its mode: a setuid report of root's). Never raises."""
    try:
        target = _file_written(path)
        found = os.lstat(target)
        folder = os.stat(target.parent)
    except (OSError, ValueError):  # a new file, or a name unusable: left to what writes it
        return ""
    shared = folder.st_mode & stat.S_ISVTX and folder.st_mode & stat.S_IWOTH
    mode = found.st_mode
    if stat.S_ISDIR(mode) or stat.S_ISLNK(mode) or not shared:
        return ""
    if found.st_uid in (os.geteuid(), folder.st_uid):
        return ""
    if stat.S_ISREG(mode):
        return (
            f"is a file another user (uid {found.st_uid}) owns in the sticky, world-writable "
            f"folder {str(target.parent)!r}: it is never replaced (the kernel's "
            "fs.protected_regular rule)"
        )
    # A pipe, a socket or a device (re-test O: a FIFO another user left in /tmp received
    # every household's personal data in clear from `export events`).
    return (
        f"is a pipe or device another user (uid {found.st_uid}) owns in the sticky, "
        f"world-writable folder {str(target.parent)!r}: nothing is written into it (the "
        "kernel's fs.protected_fifos rule)"
    )


def _needed_file(path: Path, inputs: Inputs = ()) -> str:
    """What ``path`` is if it is a file the ledger needs ("" if none): the store's SQLite file
    or its -wal, -shm or -journal beside it (beside the file a link leads to, too), the
    master key file (``LEDGER_MASTER_KEY_FILE``,
    or the demo's beside the store), the signing key file (``--key``) or a file the command
    reads (``inputs``: a security re-tester, session 23: `checkpoint --log-key dlog.key --out
    dlog.key` replaced the log private key with the checkpoint, `prove --checkpoint cp.json
    --out cp.json` the kept checkpoint with the bundle)."""
    needed: list[tuple[str, str]] = []
    try:
        store = parse_store(settings.store).path
    except LedgerError:
        store = None
    if store is not None:
        # SQLite keeps its -wal, -shm and -journal beside the file the store's name leads to:
        # a store named through a link (cur.db -> n.db) has n.db-wal, never cur.db-wal (a
        # security re-tester, session 23: `-o n.db-wal` replaced the live WAL, and a saved
        # event was lost). Both spellings are protected, the master key beside either too.
        for spelling in dict.fromkeys([str(store), os.path.realpath(store)]):
            needed.append((spelling, "the ledger's store"))
            needed += [(f"{spelling}-{part}", f"the store's -{part} file") for part in _STORE_PARTS]
            needed.append((f"{spelling}.master-key", "the store's master key file"))
    key_file = os.environ.get("LEDGER_MASTER_KEY_FILE", "").strip()
    if key_file:
        needed.append((key_file, "the master key file (LEDGER_MASTER_KEY_FILE)"))
    signing = settings.key or os.environ.get("LEDGER_KEY", "")
    if signing:
        needed.append((signing, "your signing key file (--key)"))
    needed += [(str(read), f"the {option} file this command reads") for option, read in inputs]
    for other, what in needed:
        if _same_file(path, Path(other)):
            return what
    return ""


def _planted_link(path: Path) -> str:
    """Why ``path`` is not followed ("" if it may be): a symbolic link on its way sits in a
    sticky, world-writable folder (``/tmp``) and belongs neither to the caller (euid) nor to
    the folder's owner, the kernel's fs.protected_symlinks rule. The file written is found
    by following links here (``os.path.realpath``), never by an ``open`` of the name, so the
    kernel's own check never applies (a security re-tester, session 23: a link another user
    planted in /tmp made an officer's ``-o /tmp/x.csv`` replace a file of the officer's).
    Never raises: a name that cannot be looked up is left to what writes it."""
    caller = os.geteuid()
    parts = list(reversed(Path(os.path.join(os.getcwd(), path)).parts))
    here = "/"
    hops = 0
    try:
        while parts:
            name = parts.pop()
            if name.startswith("/"):  # the root, of the path or of an absolute link
                here = "/"
                continue
            if name == "..":
                here = os.path.dirname(here)
                continue
            step = os.path.join(here, name)
            link = os.lstat(step)
            if not stat.S_ISLNK(link.st_mode):
                here = step
                continue
            folder = os.stat(here)
            shared = folder.st_mode & stat.S_ISVTX and folder.st_mode & stat.S_IWOTH
            if shared and link.st_uid not in (caller, folder.st_uid):
                return (
                    f"leads through the symbolic link {step!r}, which another user (uid "
                    f"{link.st_uid}) made in the sticky, world-writable folder {here!r}: such a "
                    "link is never followed (the kernel's fs.protected_symlinks rule)"
                )
            hops += 1
            if hops > _MOST_HOPS:
                return ""
            parts.extend(reversed(Path(os.readlink(step)).parts))
    except (OSError, ValueError):  # a name not there yet (a new file), or one unusable
        return ""
    return ""


#: The files SQLite keeps beside a store (its write-ahead log and shared memory, a rollback
#: journal).
_STORE_PARTS = ("wal", "shm", "journal")


def _same_file(path: Path, other: Path) -> bool:
    """Whether ``path`` and ``other`` name one file (the same file through links, or the same
    name once resolved when one does not exist yet); never raises."""
    try:
        if path.exists() and other.exists():
            return os.path.samefile(path, other)
        return os.path.realpath(path) == os.path.realpath(other)
    except (OSError, ValueError):
        return False


def is_folder(path: Path) -> bool:
    """Whether ``path`` is a folder (or a link to one); never raises (``Path.is_dir()``
    raises ``OSError`` for a name too long)."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _written_in_place(path: Path) -> bool:
    """Whether ``path`` is written through rather than replaced: a descriptor (``/dev/stdout``,
    ``/dev/fd/63``, ``/proc/self/fd/1``) or what is not a regular file once links are followed
    (a pipe, ``>(gzip)``, a device)."""
    try:
        if through_descriptor(path):
            return True
        return not stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):  # missing (a new file, a link to one), or a path unusable
        return False


def through_descriptor(path: Path) -> bool:
    """Whether ``path`` or a link on its way names a descriptor: ``-o /dev/stdout`` is the
    descriptor the shell opened (``> out.txt``), written through as its ``>``
    would be, even where it leads on to a regular file. Raises ``OSError``."""
    hop = os.path.abspath(path)
    for _ in range(_MOST_HOPS):  # a loop of links is refused before (check_path)
        hop = os.path.join(os.path.realpath(os.path.dirname(hop)), os.path.basename(hop))
        if hop.startswith(_DESCRIPTOR_FOLDERS) or _PROCESS_DESCRIPTOR.match(hop):
            return True
        if not os.path.islink(hop):
            return False
        hop = os.path.join(os.path.dirname(hop), os.readlink(hop))
    return False


#: Names of descriptors rather than files of their own (on Linux ``/dev/stdout`` and
#: ``/dev/fd`` lead to ``/proc/self/fd``, which is ``/proc/PID/fd``; a file in ``/dev/shm`` is
#: a file, and so since session 33 is one in ``/proc`` such as ``/proc/version``: re-tester h);
#: and how many links deep a name is followed (Linux's own limit).
_DESCRIPTOR_FOLDERS = ("/dev/fd/", "/dev/stdin", "/dev/stdout", "/dev/stderr")
_PROCESS_DESCRIPTOR = re.compile(r"/proc/(?:self|thread-self|\d+)(?:/task/\d+)?/fd/")
_MOST_HOPS = 40


def _file_written(path: Path) -> Path:
    """The file whose bytes ``path`` becomes: itself, or, for a symbolic link, the file it
    leads to (which may not exist yet), replaced there so that the link stays."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else path


@contextmanager
def output_file(
    path: Path, field: str, *, private: bool = False, inputs: Inputs = (), new: str = ""
) -> Iterator[BinaryIO]:
    """A binary handle whose bytes become the file ``path``.

    A regular file (or a new one) is written whole or not at all: the bytes go to a temporary
    file in its folder, renamed over it once complete, so a refusal or a full disk half-way
    leaves it as it was; an existing file keeps its permissions (never setuid, setgid or
    sticky). A ``private`` one (personal data in clear) is readable by its owner only: new, it
    is made 0600; existing, its group's and others' permissions are taken away (its owner's are
    kept: a 0644 file becomes 0600, a 0400 one stays 0400). A symbolic link is followed: the
    file it leads to is written so (a temporary file beside it, renamed onto it; the link
    stays), as a private file given by its own name would be (a reviewer, session 23: through a
    link, personal data in clear kept the target's 0664, or a new target got 0644). A
    descriptor, a pipe or a device (``/dev/stdout``, ``>(gpg -e)``) is written through, never
    replaced, as with a shell's ``>``. An ``OSError`` is refused naming ``field``; so is a file
    ``check_output`` refuses (``inputs``: the files the command reads). With ``new`` (the rule,
    as "a checkpoint file is never overwritten") the file is created only where none is, even
    one made meanwhile: the temporary file is linked to its name, which fails where a file is."""
    check_output(path, field, inputs=inputs, new=new)
    if _written_in_place(path):
        try:
            with path.open("wb") as handle:
                yield handle
        except OSError as exc:
            raise InputError(field, f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
        note_written(path)
        return
    target = _file_written(path)
    try:
        # Never setuid, setgid or sticky: an output is data (a replaced 6777 file gave root's
        # report -rwsrwsrwx; a security re-tester, session 23).
        mode = target.stat().st_mode & _PERMISSIONS if target.exists() else None
        descriptor, name = tempfile.mkstemp(prefix=".fupin-", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise InputError(field, f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    temporary = Path(name)
    try:
        if mode is None:  # mkstemp makes it 0600: a new file is as any other, unless private
            mode = 0o600 if private else 0o666 & ~umask()
        elif private:  # personal data in clear never lands in a file the group or others read
            mode &= stat.S_IRWXU
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            yield handle
        if new:
            _link_new(temporary, target)
        else:
            os.replace(temporary, target)
        note_written(path)
    except FileExistsError:
        temporary.unlink(missing_ok=True)
        raise exists_refusal(path, field, new) from None
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InputError(field, f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextmanager
def claimed_output(path: Path, field: str, *, inputs: Inputs = (), new: str) -> Iterator[None]:
    """Claim the name of a new output file before the work that makes its content (the
    checkpoint recorded): ``check_output``, then the file (a link's target) created empty and
    exclusively, so that a refusal ("exists", ``new`` the rule) means nothing was done. The
    content is then written over the claim (``output_file`` without ``new``, inside the
    ``with``); if anything fails in it, the claim is removed, unless another file has taken
    its place. A killed process leaves the empty claim. (A security re-tester, session 23:
    two `checkpoint --out cp.json` at once both recorded their checkpoint, and one was then
    refused, "'cp.json' exists": two CheckpointRecorded events, one file.)"""
    check_output(path, field, inputs=inputs, new=new)
    if _written_in_place(path):  # a descriptor or a pipe: nothing to claim
        yield
        return
    target = _file_written(path)
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise exists_refusal(path, field, new) from None
    except OSError as exc:
        raise InputError(field, f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    try:
        claim = os.fstat(descriptor)
    finally:
        os.close(descriptor)
    try:
        yield
    except BaseException:
        with suppress(OSError):
            now = os.lstat(target)
            if (now.st_dev, now.st_ino) == (claim.st_dev, claim.st_ino) and now.st_size == 0:
                os.unlink(target)
        raise


#: The permission bits an output file may have: read, write and run for its owner, group and
#: others, never setuid, setgid or sticky.
_PERMISSIONS = 0o777


def _link_new(temporary: Path, target: Path) -> None:
    """``temporary`` renamed ``target``, which must not exist: ``FileExistsError`` if it does
    (a hard link fails where a name is; a file system without them is checked, then
    renamed onto)."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK):
            raise
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "File exists", str(target)) from None
        os.replace(temporary, target)
        return
    temporary.unlink()
