"""What every request body of the API shares."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict


class StrictIn(Schema):
    """A request body that names each field it does not know (`extra_forbidden`) instead of
    dropping it: a misspelt or read-only field (`stauts`, `version` on a create) is a mistake
    the caller must hear about, not a change that silently did not happen."""

    model_config = ConfigDict(extra="forbid")
