"""The counts of a release (or of the live statistics) read from one state of the registry.

`statistics.raw_counts` reads the residents, then the maintained age cells, then recounts the
villages whose cells disagree. Each read in autocommit is a statement of its own: on
PostgreSQL's READ COMMITTED (and on SQLite) each sees whatever was committed by then, so a
registration committed between two of them made the sex counts of one state and the
pyramid of another. No whole counts fit both: protection failed, and releases repeated
the previous figures (QA, tenth session). Read together, they describe one state.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextmanager
def one_snapshot(using: str = DEFAULT_DB_ALIAS):
    """Run the reads inside in one read-only snapshot of the database."""
    connection = connections[using]
    if connection.in_atomic_block:
        # Already one transaction (a caller's atomic block, or a test's): the reads are part
        # of it, and its isolation cannot change after its first statement.
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                # The first statement of the transaction, as PostgreSQL requires: its
                # snapshot is taken at the first read and holds to the end.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        # A transaction reads one state (WAL: from its first read). Ours begin IMMEDIATE
        # (`env.SQLITE_OPTIONS`), which takes the write lock: every registration would wait
        # for the whole read. Only reads happen here, so a deferred one is enough.
        connection.ensure_connection()
        mode = connection.transaction_mode
        connection.transaction_mode = "DEFERRED"
        try:
            with transaction.atomic(using=using):
                connection.transaction_mode = mode
                yield
        finally:
            connection.transaction_mode = mode
        return
    with transaction.atomic(using=using):
        yield
