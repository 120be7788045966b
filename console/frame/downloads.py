"""A file to download: its media type and a Chinese file name the browser keeps."""

from __future__ import annotations

from starlette.responses import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


MEDIA = {"xlsx": XLSX, "csv": "text/csv; charset=utf-8"}


def download(content: bytes, name: str, ext: str) -> Response:
    # The name is ours (ASCII), never the client's; RFC 5987 form for the Chinese ones.
    from urllib.parse import quote

    disposition = f"attachment; filename=\"download.{ext}\"; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=MEDIA[ext], headers={"content-disposition": disposition})
