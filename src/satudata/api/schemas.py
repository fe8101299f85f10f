"""What every request body and error answer of the API shares."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import ConfigDict


class StrictIn(Schema):
    """A request body that names each field it does not know (`extra_forbidden`) instead of
    dropping it: a misspelt or read-only field (`stauts`, `version` on a create) is a mistake
    the caller must hear about, not a change that silently did not happen."""

    model_config = ConfigDict(extra="forbid")


def one_of(choices) -> object:
    """A `Literal` of a model's choices (`Dataset.Topic`, a field's `choices` pairs, or plain
    values), so OpenAPI lists the accepted values as an `enum` and a wrong one is refused
    naming them."""
    items = getattr(choices, "values", choices)
    values = tuple(item[0] if isinstance(item, tuple) else item for item in items)
    return Literal[values]


class ProblemOut(Schema):
    field: str
    message: str
    type: str


class ErrorOut(Schema):
    """Every refusal: `detail` is one sentence for people, in the caller's language; `errors`
    (only when the body or query does not fit the schema) lists each field for programs:
    `field` is the name as sent (`members.0.nik`, or `body` for the body as a whole), `type`
    pydantic's stable code."""

    detail: str
    errors: list[ProblemOut] | None = None
