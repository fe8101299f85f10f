"""All writes of the population registry: residents, families and life events, each audited.

Every function takes the acting user, checks the village is in their write scope, validates
with `validation.check_resident`, and writes the change and its audit entry in one transaction.
Nothing is ever hard-deleted: a death or a move changes the basic status and adds an event.

The modules, by domain: `residents` (register, edit), `events` (birth, death, moves, a
correction), `families` (cards, head, split, pindah KK), `search`, `conflicts` (NIKs held
elsewhere), and the shared `heads` (a card's head and members), `event_log` (writing one
life event) and `common` (scope, locks, RT helpers). They import one another, never this
package, so there is no import cycle.
"""

# Re-exported so that callers keep writing `services.register_resident` as before the split.
# A test that patches a private helper patches it in the module that calls it.
from django.core.exceptions import ValidationError

from satudata.registry.services.common import (
    EDITABLE,
    VersionConflict,
    living_head,
    require_write,
    unit_of_village,
)
from satudata.registry.services.conflicts import holder_of, note_conflict, resolve_conflict
from satudata.registry.services.event_log import MOVE_OUT_TEXTS, event_text_problems
from satudata.registry.services.events import (
    correct_to_alive,
    record_birth,
    record_death,
    record_move_in,
    record_move_out,
)
from satudata.registry.services.families import (
    change_head,
    join_family,
    move_family,
    register_family,
    split_family,
)
from satudata.registry.services.residents import (
    next_temporary_nik,
    register_resident,
    update_resident,
    value_problems,
)
from satudata.registry.services.search import COUNT_CAP, search_families, search_residents

__all__ = [
    "COUNT_CAP",
    "EDITABLE",
    "MOVE_OUT_TEXTS",
    "ValidationError",
    "VersionConflict",
    "change_head",
    "correct_to_alive",
    "event_text_problems",
    "holder_of",
    "join_family",
    "living_head",
    "move_family",
    "next_temporary_nik",
    "note_conflict",
    "record_birth",
    "record_death",
    "record_move_in",
    "record_move_out",
    "register_family",
    "register_resident",
    "require_write",
    "resolve_conflict",
    "search_families",
    "search_residents",
    "split_family",
    "unit_of_village",
    "update_resident",
    "value_problems",
]
