"""The served OpenAPI schema, for tests that hold the API to what it documents."""

from __future__ import annotations

from typing import Any

import jsonschema_rs  # JSON Schema 2020-12, the dialect of OpenAPI 3.1 (comes with schemathesis)
from litestar.testing import AsyncTestClient


async def served_schema(client: AsyncTestClient[Any]) -> dict[str, Any]:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200, response.text
    schema: dict[str, Any] = response.json()
    return schema


def operation(schema: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = schema["paths"][path][method.lower()]
    return found


def body_errors(schema: dict[str, Any], response: dict[str, Any], body: object) -> list[str]:
    """Where ``body`` breaks the JSON schema of a documented response (empty: it fits)."""
    media = response["content"]["application/json"]["schema"]
    validator = jsonschema_rs.Draft202012Validator({**media, "components": schema["components"]})
    return [
        f"{'/'.join(map(str, error.instance_path))}: {error.message}"
        for error in validator.iter_errors(body)
    ]
