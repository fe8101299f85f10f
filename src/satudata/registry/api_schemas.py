"""The bodies the registry's REST routes (`registry.api`) take and give.

Every input is strict (`StrictIn`): an unknown field, a code sent as text or true, an id or
version past 64 bits is refused with the field named, before any service runs. The outputs
hold only what the caller's scope may read; the public population statistics hold
aggregates only.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import Strict

from satudata.api.schemas import StrictIn
from satudata.registry import services


class ResidentOut(Schema):
    """A resident with personal data: only for accounts whose scope holds the village."""

    id: int
    nik: str
    nik_is_temporary: bool
    name: str
    sex: int
    birth_place: str
    birth_date: datetime.date
    religion: int | None
    education_kk: int | None
    education_current: int | None
    occupation: int | None
    marital_status: int | None
    relationship: int | None
    citizenship: int
    blood_type: int | None
    disability: int | None
    father_name: str
    mother_name: str
    status: int
    village: str = Field(alias="village_id")
    unit: int | None = Field(None, alias="unit_id")
    family: int | None = Field(None, alias="family_id")
    version: int


class ResidentPage(Schema):
    count: int = Field(
        description=f"Matches, counted up to {services.COUNT_CAP:,} (see count_capped)."
    )
    count_capped: bool = Field(False, description="True when there are more matches than count.")
    results: list[ResidentOut]


# Far past the largest regency (~5.5 million people), and inside every database's integers.
MAX_OFFSET = 10_000_000


# A record's id in a body. Ids are 64-bit (BigAutoField): a larger number is refused here,
# naming the field, since SQLite cannot even take it as a query parameter (OverflowError).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


# A code of a code list: a JSON number, not true (Python counts it as 1) nor "1" or 1.0.
Code = Annotated[int, Strict()]


# The version a client read: a JSON number of a version that can exist ("1" or -1 are a
# client's mistake to name, not a version conflict).
Version = Annotated[
    int,
    Strict(),
    Field(ge=1, le=2**63 - 1, description="The version you read; a newer one refuses the change."),
]


class ConflictOut(Schema):
    """409: the request clashes with what is stored; `type` tells a program which clash."""

    detail: str
    type: str = Field(
        description="version_conflict: someone saved a newer version, re-read and retry; "
        "nik_here / nik_elsewhere: the NIK is registered in this / another village."
    )
    version: int | None = Field(None, description="The stored version (version_conflict).")


class ResidentFilter(Schema):
    q: str = Field("", description="Exact NIK or KK number (16 digits), or the start of a name.")
    village: str | None = Field(None, description="Village code, e.g. 62.01.02.2016.")
    unit: Id | None = Field(
        None,
        description="Id of a hamlet, RW or RT of the village: residents placed in it or in "
        "the units inside it (a hamlet's RWs and RTs). Another village's unit is refused (400).",
    )
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class FamilyFilter(Schema):
    q: str = Field("", description="Exact KK number, or the start of the head of family's name.")
    village: str | None = Field(None, description="Village code, e.g. 62.01.02.2016.")
    unit: Id | None = Field(
        None,
        description="Id of a hamlet, RW or RT of the village: families placed in it or in "
        "the units inside it (a hamlet's RWs and RTs). Another village's unit is refused (400).",
    )
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ResidentIn(StrictIn):
    village: str
    nik: str = ""
    nik_is_temporary: bool = False
    name: str
    sex: Code
    birth_place: str = ""
    birth_date: datetime.date
    religion: Code | None = None
    education_kk: Code | None = None
    education_current: Code | None = None
    occupation: Code | None = None
    marital_status: Code | None = None
    relationship: Code | None = None
    citizenship: Code = 1
    blood_type: Code | None = None
    disability: Code | None = None
    father_name: str = ""
    mother_name: str = ""
    family: Id | None = None
    unit: Id | None = None


class ResidentPatch(StrictIn):
    version: Version
    nik: str | None = None
    # Not null (a default is not validated): a temporary NIK replaced by the real one sends
    # {"nik": "...", "nik_is_temporary": false}.
    nik_is_temporary: bool = Field(None, description="True: the NIK is a temporary one.")
    name: str | None = None
    sex: Code | None = None
    birth_place: str | None = None
    birth_date: datetime.date | None = None
    religion: Code | None = None
    education_kk: Code | None = None
    education_current: Code | None = None
    occupation: Code | None = None
    marital_status: Code | None = None
    relationship: Code | None = None
    citizenship: Code = Field(None, description="Citizenship code (1–3).")
    blood_type: Code | None = None
    disability: Code | None = None
    father_name: str | None = None
    mother_name: str | None = None
    unit: Id | None = Field(
        None, description="RT id of the village; a member of a card with an RT moves with it."
    )


class FamilyPatch(StrictIn):
    """The family moves house inside the village: its living members' RT moves with it."""

    version: Version
    unit: Id | None = Field(None, description="RT id of the village; null: no RT.")
    address: str | None = None


class EventIn(StrictIn):
    kind: Literal["death", "move_out", "correction"] = Field(
        description="death, move_out, or correction (a death, move out or disappearance "
        "recorded by mistake: living again; the note gives the reason)"
    )
    date: datetime.date | None = Field(None, description="When it happened; default today.")
    place: str = Field("", description="Destination of a move.")
    to_village: str = Field(
        "",
        description="For a move to a village of this database: its code. Only that village "
        "may then record the move in (it lists the person under GET /arrivals).",
    )
    note: str = ""


class FamilyOut(Schema):
    id: int
    family_number: str
    village: str = Field(alias="village_id")
    unit: int | None = Field(None, alias="unit_id")
    address: str
    version: int


class FamilyDetail(FamilyOut):
    members: list[ResidentOut]

    @staticmethod
    def resolve_members(obj) -> list:
        # Only the card's own village's people: a record left on another village's card
        # (a merge before merges were refused across villages) is not for this reader.
        members = obj.members.filter(village_id=obj.village_id)
        return list(members.order_by("relationship", "birth_date"))


class FamilyListItem(FamilyOut):
    head_name: str | None = Field(None, description="The living head of family, if recorded.")
    living_members: int = Field(alias="living")


class FamilyPage(Schema):
    count: int
    results: list[FamilyListItem]


class CountRow(Schema):
    code: int | None
    label: str
    count: int | str


class AgeRow(Schema):
    group: str
    male: int | str
    female: int | str


class PopulationOut(Schema):
    """Public aggregates: counts of 1 or 2 people are given as "<3"; "*" is a count hidden
    so that a small one cannot be worked out from the total or from other regions' counts
    (a district minus its villages); a region whose total is "*" shows no breakdown. The
    statistics of all regions are published together, as a release a month by default
    (`as_of`: the day of its figures; see docs/decisions.md)."""

    region: str
    name: str
    as_of: datetime.date
    total: int | str
    age_groups: list[AgeRow]
    sex: list[CountRow]
    religion: list[CountRow]
    education: list[CountRow]
    occupation: list[CountRow]
    marital_status: list[CountRow]


class FamilyIn(StrictIn):
    village: str
    family_number: str
    unit: Id | None = None
    address: str = ""


class BirthIn(StrictIn):
    nik: str = ""
    nik_is_temporary: bool = False
    name: str
    sex: Code
    birth_place: str = ""
    birth_date: datetime.date
    religion: Code | None = None
    relationship: Code | None = Field(None, description="In the family; default 4 (child).")
    father_name: str = ""
    mother_name: str = ""
    mother: Id | None = Field(
        None,
        description="The mother's resident id, a woman of this family card: her record gives "
        "mother_name (and, for the head's wife, father_name unless given) and is checked "
        "(alive at the birth, old enough).",
    )


class MoveInIn(StrictIn):
    village: str
    nik: str = Field(description="A NIK already registered elsewhere moves its one record.")
    from_village: str = Field(
        "",
        description="Code of the village that holds the NIK now (as on the moving letter); "
        "required to move a record from another village, as the form's confirmation is.",
    )
    family: Id | None = None
    unit: Id | None = None
    date: datetime.date | None = None
    origin: str = ""
    relationship: Code | None = Field(
        None,
        description="Relationship code to the head of `family`: required when the card has "
        "living members (one from a previous card does not carry over); the first person on "
        "an empty card is its head (by default; another code is refused). Overrides "
        "`person.relationship`; refused without `family`.",
    )
    person: ResidentIn | None = Field(None, description="Details, if the NIK is new here.")


class SplitIn(StrictIn):
    members: list[Id] = Field(max_length=100, description="Ids of the members who move.")
    new_head: Id
    family_number: str
    date: datetime.date | None = None
    others: dict[int, int] = Field(
        default_factory=dict,
        description="The other moving members' relationship codes to the new head, by "
        'resident id (e.g. {"17": 7}: the new head\'s mother becomes Orang Tua); members '
        "not named keep theirs, and a birth then guesses no father from the new head.",
    )


class HeadIn(StrictIn):
    new_head: Id
    old_head_relationship: Code = Field(11, description="The old head's new relationship code.")
    others: dict[int, int] = Field(
        default_factory=dict,
        description="Other living members' new relationship codes to the new head, by "
        'resident id (e.g. {"17": 7}: the new head\'s mother becomes Orang Tua); members '
        "not named keep theirs.",
    )
    date: datetime.date | None = None


class JoinFamilyIn(StrictIn):
    family: Id = Field(description="The id of a family card of the resident's village.")
    relationship: Code = Field(description="Relationship code in the new family (1–11).")
    date: datetime.date | None = None


class ArrivalOut(Schema):
    """A person whose village of origin recorded a move out to this village: `nik` and
    `from_village` are what POST /move-ins asks for."""

    nik: str
    name: str
    sex: int
    from_village: str
    moved_out: datetime.date
