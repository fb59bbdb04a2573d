"""Sensitive fields and the access check that guards their export.

Fields holding data on individuals or raw intelligence (nominals, real names, notes) are
declared with :func:`sensitive_field`, i.e. dataclass field metadata ``sensitive=True``.
Every export (``to_dict``, JSON, CSV, documents) goes through :func:`export_dict`, which
leaves them out unless ``include_sensitive=True`` is passed together with a
:class:`Viewer` whose role is allowed.

Access rule (simple and documented): only the roles ``analyst-vetted`` and ``admin`` may
export sensitive fields. Asking for them with any other role, or with no viewer, raises
:class:`AccessDeniedError`; nothing is exported. Public outputs must never include them
(DESIGN.md, disclosure control).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realimpact.exceptions import RealImpactError
from realimpact.jsonable import to_jsonable

__all__ = [
    "ALLOWED_ROLES",
    "AccessDeniedError",
    "Viewer",
    "check_sensitive_access",
    "export_dict",
    "sensitive_field",
    "sensitive_fields",
]

ALLOWED_ROLES: frozenset[str] = frozenset({"analyst-vetted", "admin"})


class AccessDeniedError(RealImpactError):
    """Sensitive fields were requested by a user whose role may not see them."""


@dataclass(frozen=True)
class Viewer:
    """Who is asking for an export: a user name and a role."""

    user: str
    role: str


def sensitive_field(default: Any = dataclasses.MISSING, **kw: Any) -> Any:
    """A dataclass field marked ``sensitive=True`` (left out of exports by default)."""
    return dataclasses.field(default=default, metadata={"sensitive": True}, **kw)


def sensitive_fields(cls_or_obj: Any) -> tuple[str, ...]:
    """Names of the fields marked sensitive on a dataclass (type or instance)."""
    return tuple(f.name for f in dataclasses.fields(cls_or_obj) if f.metadata.get("sensitive"))


def check_sensitive_access(include_sensitive: bool, viewer: Viewer | None) -> bool:
    """Return whether sensitive fields may be exported; refuse a request that is not allowed."""
    if not include_sensitive:
        return False
    if viewer is None or viewer.role not in ALLOWED_ROLES:
        who = f"user {viewer.user!r} with role {viewer.role!r}" if viewer else "an anonymous user"
        raise AccessDeniedError(
            f"{who} may not export sensitive fields (nominals, intelligence). "
            f"Allowed roles: {', '.join(sorted(ALLOWED_ROLES))}. Export without them instead."
        )
    return True


def export_dict(obj: Any, *, include_sensitive: bool = False, viewer: Viewer | None = None) -> Any:
    """JSON-ready form of ``obj`` with sensitive dataclass fields removed (recursively)."""
    allowed = check_sensitive_access(include_sensitive, viewer)
    return _export(obj, allowed)


def _export(obj: Any, allowed: bool) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: _export(getattr(obj, f.name), allowed)
            for f in dataclasses.fields(obj)
            if allowed or not f.metadata.get("sensitive")
        }
    if isinstance(obj, Mapping):
        return {str(k): _export(v, allowed) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_export(v, allowed) for v in obj]
    return to_jsonable(obj)
