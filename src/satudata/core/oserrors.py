"""An operating-system error (a file that cannot be read or written) told in the user's
language: `exc.strerror` is the C library's English ("No such file or directory") inside
an Indonesian sentence (language QA)."""

from __future__ import annotations

import errno

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

REASONS = {
    errno.ENOENT: gettext_noop("the file or folder does not exist"),
    errno.ENOTDIR: gettext_noop("a part of the path is not a folder"),
    errno.EISDIR: gettext_noop("it is a folder, not a file"),
    errno.EACCES: gettext_noop("no permission"),
    errno.EPERM: gettext_noop("no permission"),
    errno.EROFS: gettext_noop("the disk is read-only"),
    errno.ENOSPC: gettext_noop("the disk is full"),
    errno.EDQUOT: gettext_noop("the disk quota is used up"),
    errno.EEXIST: gettext_noop("it exists already"),
    errno.ENAMETOOLONG: gettext_noop("the name is too long"),
    errno.EMFILE: gettext_noop("too many files are open"),
    errno.EIO: gettext_noop("the disk could not be read or written"),
    errno.EADDRINUSE: gettext_noop("the port is already in use"),
}


def reason(exc: OSError) -> str:
    """Why the system refused, in the active language; the system's own words for an error
    not listed (with its code, so it can still be looked up)."""
    known = REASONS.get(exc.errno or -1)
    if known:
        return _(known)
    return exc.strerror or str(exc)
