"""The shape token of JSON kept as rendered by pydantic models (`shape_token`): kept JSON is sent or
read as it is only while the token it was kept with is the current one, so that an upgrade that
changes a model's shape never sends (or fails to read) JSON of the old shape. Used for the rendered
answers (api/answers.py: RENDER_FORMAT) and the account list's kept figures
(graph/analyses/portfolio.py: SUMMARY_FORMAT).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any, Final

import pydantic
from pydantic import BaseModel

__all__ = ["shape_token"]

#: JSON schema keywords that document a schema without changing the JSON it describes.
_DOCUMENTATION: Final = frozenset({"title", "description", "examples"})
#: JSON schema keywords whose value maps names (of properties, of definitions) to schemas.
_NAMED_SCHEMAS: Final = frozenset({"properties", "patternProperties", "$defs", "definitions"})


def _shape(schema: Any) -> Any:
    """A JSON schema without its documentation (`_DOCUMENTATION`, at any depth); the names of
    properties and definitions are kept, even a property named like a documentation keyword."""
    if isinstance(schema, list):
        return [_shape(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    shape: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DOCUMENTATION:
            continue
        if key in _NAMED_SCHEMAS and isinstance(value, dict):
            shape[key] = {name: _shape(sub) for name, sub in value.items()}
        else:
            shape[key] = _shape(value)
    return shape


def shape_token(models: Iterable[type[BaseModel]]) -> str:
    """A token of the shape of JSON rendered by these models: a hash of their JSON schema as they are
    serialised (field names, order, aliases, types, nested models; not its documentation: titles,
    descriptions, examples) and of the pydantic version that renders them, so that it changes
    whenever the shape may, without anyone bumping it. Serialiser behaviour the schema does not show
    (a custom serializer's output, a float's or datetime's formatting) is not covered by the schema:
    the pydantic version in the hash covers pydantic's own; a change to a custom serializer must
    change the schema too (or the token will not change)."""
    shapes = {model.__name__: _shape(model.model_json_schema(mode="serialization")) for model in models}
    text = json.dumps({"pydantic": pydantic.VERSION, "models": shapes}, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
