"""The interactive API document (Swagger UI 5) at `/docs`, served offline.

FastAPI's default page loads Swagger UI from a CDN; buyergraph's pages must work with no internet,
so the assets come from a Python package and are served by buyergraph itself. Our document is
OpenAPI 3.1, which only Swagger UI 5 reads: the `fastapi-swagger` package ships the current
Swagger UI 5 release (its version follows Swagger UI's) as three plain files, and we use only those
files, not its app patching. The older `swagger-ui-bundle` package stops at Swagger UI 4.
"""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_PATH = "/docs-assets"
#: The files of Swagger UI 5 inside the package (swagger-ui-bundle.js, swagger-ui.css, favicon).
_ASSETS_PACKAGE = "fastapi_swagger.resources"

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
    return StaticFiles(directory=str(resources.files(_ASSETS_PACKAGE)))
