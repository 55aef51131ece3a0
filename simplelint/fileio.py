"""Writing files without losing anything: no half-written file, and the file keeps what identifies it.

A rename over the original is atomic but makes a new file: it would drop the owner (a root container writing on
a bind mount), the group, extended attributes and hard links. So the temp file takes the original's mode,
owner, group and extended attributes before the rename, and a file with several links is rewritten in place.
A symlink is followed: the file it points to is written, the link stays a link.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from typing import Optional


def write_atomic(path: str, data: bytes, create: bool = False) -> None:
    """Replace the file at `path` (or create it, with `create`) with `data`.

    Refuses what is not a regular file (a device node, a FIFO, a folder) and a file this user may not write
    (the rename alone would replace it), as ruff's and black's in-place writes do.
    """
    target = os.path.realpath(path)
    info = _replaceable(path, target, create)
    if info is not None and info.st_nlink > 1:
        _write_in_place(target, data)
        return
    handle, temp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".simplelint-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        _copy_identity(info, target, temp)
        os.replace(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def _replaceable(path: str, target: str, create: bool) -> Optional[os.stat_result]:
    """The file's status (None when it is to be created), or the error that says why it stays as it is."""
    try:
        info = os.stat(target)
    except FileNotFoundError:
        if create:
            return None
        raise
    if not stat.S_ISREG(info.st_mode):
        raise OSError(errno.EINVAL, "Not a regular file; not replaced", path)
    if not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, "Permission denied", path)
    return info


def _write_in_place(target: str, data: bytes) -> None:
    """The other links see the new content; the inode, and so all it carries, stays."""
    with open(target, "r+b") as out:
        out.write(data)
        out.truncate()
        out.flush()
        os.fsync(out.fileno())


def _copy_identity(info: Optional[os.stat_result], source: str, temp: str) -> None:
    if info is None:
        os.chmod(temp, 0o666 & ~_umask())
        return
    if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
        # Only root may give a file away: the file becomes this user's, as any editor's save does.
        with contextlib.suppress(PermissionError):
            os.chown(temp, info.st_uid, info.st_gid)
    os.chmod(temp, stat.S_IMODE(info.st_mode))  # after chown, which clears set-id bits
    for name in _xattrs(source):
        # An attribute this user or file system may not set (security.*, trusted.*) is left out.
        with contextlib.suppress(OSError):
            os.setxattr(temp, name, os.getxattr(source, name))


def _xattrs(path: str) -> list[str]:
    if not hasattr(os, "listxattr"):
        return []
    try:
        return os.listxattr(path)
    except OSError:
        return []  # the file system has none


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
