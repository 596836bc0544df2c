"""The floor: a bare Litestar endpoint returning a small JSON document, nothing else."""

from __future__ import annotations

from litestar import Litestar, get


@get("/bare", sync_to_thread=False)
def bare() -> dict[str, object]:
    return {"items": [{"code": "1.001193", "name": "Đăng ký khai sinh"}], "nextCursor": None}


app = Litestar(route_handlers=[bare], openapi_config=None)
