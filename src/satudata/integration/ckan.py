"""Pulling a resource from another CKAN portal: package_show, then datastore_search paged."""

from __future__ import annotations

import json
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

from satudata.integration.fetch import SourceProblem, get_json, too_big

PAGE = 5000


@dataclass
class CkanPull:
    path: Path | None
    modified: str
    size: int = 0
    rows: int = 0

    @property
    def unchanged(self) -> bool:
        return self.path is None


def _action(base: str, name: str, params: dict, timeout: float, max_bytes: int):
    url = f"{base.rstrip('/')}/api/3/action/{name}?{urllib.parse.urlencode(params)}"
    body, size = get_json(url, timeout=timeout, max_bytes=max_bytes)
    if not isinstance(body, dict) or not body.get("success"):
        error = body.get("error", {}) if isinstance(body, dict) else {}
        message = error.get("message") or error.get("__type") or ""
        raise SourceProblem(
            _("The CKAN portal refused %(action)s: %(message)s")
            % {"action": name, "message": str(message)[:200]}
        )
    return body["result"], size


def pull(
    base: str,
    dataset: str,
    resource: str,
    *,
    since: str,
    timeout: float,
    max_bytes: int,
) -> CkanPull:
    """The resource's rows as a JSON file, or unchanged if metadata_modified equals `since`."""
    with translation.override("id"):
        package, used = _action(base, "package_show", {"id": dataset}, timeout, max_bytes)
        modified = str(package.get("metadata_modified") or "")
        if since and modified == since:
            return CkanPull(path=None, modified=modified)
        resources = [r for r in package.get("resources", []) if isinstance(r, dict)]
        if resource:
            chosen = next((r for r in resources if r.get("id") == resource), None)
        else:
            chosen = next((r for r in resources if r.get("datastore_active")), None)
        if chosen is None:
            raise SourceProblem(
                _("The CKAN dataset %(name)s has no such resource with a datastore.")
                % {"name": dataset}
            )
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, removed by caller
            "w", prefix="satudata-ckan-", suffix=".json", delete=False, encoding="utf-8"
        )
        path = Path(handle.name)
        rows = 0
        try:
            with handle:
                handle.write("[")
                offset = 0
                while True:
                    params = {"resource_id": chosen["id"], "limit": PAGE, "offset": offset}
                    result, size = _action(base, "datastore_search", params, timeout, max_bytes)
                    used += size
                    if used > max_bytes:
                        raise too_big(max_bytes)
                    records = result.get("records") or []
                    for record in records:
                        record.pop("_id", None)
                        handle.write("," if rows else "")
                        handle.write(json.dumps(record, ensure_ascii=False, default=str))
                        rows += 1
                    offset += len(records)
                    total = result.get("total")
                    if len(records) < PAGE or (total is not None and offset >= total):
                        break
                handle.write("]")
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        if rows == 0:
            path.unlink(missing_ok=True)
            raise SourceProblem(_("The CKAN resource has no rows."))
        return CkanPull(path=path, modified=modified, size=used, rows=rows)
