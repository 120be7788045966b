"""The ceiling for the portal benchmark: bare Starlette answering a dict lookup as JSON, nothing else."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

_NUMBERS = {
    line: {"number": line, "status": "有效"}
    for line in Path(os.environ["JZ_NUMBERS"]).read_text(encoding="utf-8").split()
}


async def certificate(request: Request) -> JSONResponse:
    found = _NUMBERS.get(request.path_params["number"])
    return JSONResponse(found or {"error": "not found"}, status_code=200 if found else 404)


app = Starlette(routes=[Route("/api/v1/certificates/{number}", certificate)])
