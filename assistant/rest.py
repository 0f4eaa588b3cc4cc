"""A plain JSON HTTP API beside the Gradio app, for tools that do not speak Gradio's client protocol.

``POST /api/v1/review``  one goal (and an optional objective) -> one row of the JSON Lines contract
``POST /api/v1/roadmap`` a pasted roadmap or OKR set -> one row per item, in order, plus notes and a summary
``POST /api/v1/set``     a pasted OKR set -> the typed ``SetReview``: findings, scores, the rewritten set
``GET  /api/v1/docs``    OpenAPI docs (Swagger UI served from the ``swagger-ui-bundle`` package: works offline)

It is a FastAPI router wrapped in a small FastAPI app that ``ui.launch`` mounts on Gradio's server, so it runs
in the same process on the same chain (the model loads once), and it asks for the same login as the app: when
``OKR_UI_USERNAME`` / ``OKR_UI_PASSWORD`` are set, every route (docs included) needs them as HTTP Basic
credentials. Bulk requests go through ``assistant.runner`` like the CLI: result cache and ``OKR_CONCURRENCY``.

    curl -s http://127.0.0.1:7860/api/v1/review -H 'content-type: application/json' \\
         -d '{"goal": "Launch the new onboarding flow"}'
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, status
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, Field
from starlette.routing import Mount

from .errors import InputError
from .export import summary
from .handlers.roadmap import parse_input
from .runner import review_rows
from .schemas import GoalItem, ReviewRow, SetReview

if TYPE_CHECKING:
    from .handlers import AppService

PREFIX = "/api/v1"
MAX_ROADMAP_CHARS = 2_000_000  # a guard against a runaway body; goals themselves are limited by check_goal


class ReviewRequest(BaseModel):
    goal: str = Field(max_length=100_000, examples=["Launch the new onboarding flow"])
    objective: str | None = Field(None, max_length=100_000, examples=["Make new users successful fast"])


class RoadmapRequest(BaseModel):
    text: str = Field(
        max_length=MAX_ROADMAP_CHARS,
        description="Plain lines, Markdown bullets, an OKR set (Objective: ... / KR1: ...), a Markdown table or CSV",
        examples=["Objective: Make new users successful\n- KR1: Launch the onboarding flow\n- KR2: Grow NPS"],
    )


class RoadmapResponse(BaseModel):
    rows: list[ReviewRow] = Field(description="One JSON Lines contract row per item, in order; failures carry error")
    notes: list[str] = Field(description="Lines that were skipped and why")
    summary: dict[str, int] = Field(description="outputs, outcomes, not controllable, missing targets, errors...")


def _login(auth: tuple[str, str] | None) -> Any:
    """A dependency that asks for the app's login as HTTP Basic credentials (nothing when the app has none)."""
    basic = HTTPBasic(auto_error=False, description="The app's OKR_UI_USERNAME and OKR_UI_PASSWORD")

    def check(credentials: HTTPBasicCredentials | None = Depends(basic)) -> None:  # noqa: B008
        if auth is None:
            return
        if credentials is not None:
            user_ok = secrets.compare_digest(credentials.username.encode(), auth[0].encode())
            password_ok = secrets.compare_digest(credentials.password.encode(), auth[1].encode())
            if user_ok and password_ok:
                return
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Log in with the app's username and password (HTTP Basic)",
            headers={"WWW-Authenticate": 'Basic realm="Outcome Lens"'},
        )

    return check


def build_router(service: AppService) -> APIRouter:
    """The review routes over the app's shared chain."""
    router = APIRouter()

    @router.post("/review", response_model=ReviewRow, summary="Review one goal")
    def review(request: ReviewRequest) -> ReviewRow:
        """Output or outcome, the outcome rewrite, initiative, proxy and controllability for one goal.

        Always one row: a goal that cannot be reviewed (empty, too long, binary, a model failure) comes back
        with ``error`` set and HTTP 200, as in the JSON Lines contract.
        """
        item = GoalItem(text=request.goal, objective=request.objective or None)
        return review_rows(service.chain, [item], service.settings)[0]

    @router.post("/roadmap", response_model=RoadmapResponse, summary="Review every item of a roadmap")
    def roadmap(request: RoadmapRequest) -> RoadmapResponse:
        """Parse the text like the app's Roadmap tab and review every item; objectives travel as context."""
        s = service.settings
        try:
            parsed = parse_input(request.text, None, s.max_items_ui, s.max_file_bytes)
        except InputError as exc:
            raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, detail=str(exc)) from exc
        rows = review_rows(service.chain, parsed.items, s) if parsed.items else []
        notes = [f"Line {line} skipped: {reason}" for line, reason in parsed.skipped] + parsed.notes
        return RoadmapResponse(rows=rows, notes=notes, summary=summary(rows))

    @router.post("/set", response_model=SetReview, summary="Review a whole OKR set")
    def okr_set(request: RoadmapRequest) -> SetReview:
        """Review every key result, then the set: findings, a 0-100 score per key result, objective and set (with
        its checklist), the three changes worth most, and the rewritten set (the OKR set tab's result).

        Text with no key result gets HTTP 422 with what to paste; over the app's limits, HTTP 413.
        """
        from .api import set_review_of

        s = service.settings
        try:
            parsed = parse_input(request.text, None, s.max_items_ui, s.max_file_bytes)
        except InputError as exc:
            raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, detail=str(exc)) from exc
        if not parsed.items:
            raise HTTPException(
                422,  # unprocessable content
                detail="No key results found: send objectives with their key results (Objective: ... then - KR1: ...)",
            )
        review = set_review_of(service.chain, review_rows(service.chain, parsed.items, s))
        review.notes += [f"Line {line} skipped: {reason}" for line, reason in parsed.skipped] + parsed.notes
        return review

    return router


def build_api(service: AppService, auth: tuple[str, str] | None) -> FastAPI:
    """The router as an app with its own OpenAPI docs, every route behind the app's login."""
    from fastapi.staticfiles import StaticFiles
    from swagger_ui_bundle import swagger_ui_path

    login = Depends(_login(auth))
    api = FastAPI(
        title="Outcome Lens API",
        version="1",
        description="Rewrite output-style key results into measurable outcomes. Rows follow the JSON Lines "
        "contract documented in the README.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    api.include_router(build_router(service), dependencies=[login])
    api.mount("/docs-assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @api.get("/openapi.json", include_in_schema=False, dependencies=[login])
    def openapi() -> dict[str, Any]:
        return api.openapi()

    @api.get("/docs", include_in_schema=False, dependencies=[login])
    def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}/openapi.json",
            title="Outcome Lens API",
            swagger_js_url=f"{root}/docs-assets/swagger-ui-bundle.js",
            swagger_css_url=f"{root}/docs-assets/swagger-ui.css",
            swagger_favicon_url=f"{root}/docs-assets/favicon-32x32.png",
        )

    return api


def api_routes(service: AppService, auth: tuple[str, str] | None) -> list[Mount]:
    """What ``ui.launch`` hands Gradio (``app_kwargs={"routes": ...}``): the API mounted at ``/api/v1``."""
    return [Mount(PREFIX, app=build_api(service, auth))]
