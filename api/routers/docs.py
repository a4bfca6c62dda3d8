"""The interactive API document (Swagger UI) at `/docs`, served offline.

FastAPI's default page loads Swagger UI from a CDN; buyergraph's pages must work with no internet,
so the assets come from the `swagger-ui-bundle` package and are served by buyergraph itself.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS_PATH = "/docs-assets"

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="buyergraph API",
        swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_PATH}/favicon-32x32.png",
    )


def assets() -> StaticFiles:
    """The Swagger UI files, to be mounted at ASSETS_PATH."""
    return StaticFiles(directory=str(swagger_ui_path))
