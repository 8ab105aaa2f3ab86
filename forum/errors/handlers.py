"""Render HTTP errors as pages for people and as JSON for the API."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

bp = Blueprint("errors", __name__)


MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please log in first."),
    403: _l("You are not allowed to do that."),
    404: _l("There is nothing here. It may have been removed, or the address is wrong."),
    405: _l("That action is not possible here."),
    413: _l("That is more text than the forum accepts at once."),
    414: _l("That address is too long."),
    415: _l("The forum only accepts forms as a web browser sends them."),
    429: _l("Too many attempts in a short time. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Nothing you wrote was lost; please try again."),
}


def wants_json() -> bool:
    """Say whether the client is the API rather than a browser."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(status: int, message: str | None = None, code: str | None = None):
    """Answer with a JSON error or an error page for `status`."""
    text = str(message or MESSAGES.get(status, MESSAGES[500]))
    if wants_json():
        body = {"error": {"status": status, "code": code or _code(status), "message": text}}
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=text), status


def _code(status: int) -> str:
    return {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed", 413: "too_large", 414: "address_too_long",
            415: "unsupported_media_type", 429: "rate_limited"}.get(
                status, "server_error")


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    return error_response(400, _l("The form expired or was not sent from this site. "
                                  "Please go back, reload the page and try again."), "csrf")


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    message = error.description if getattr(error, "forum_message", False) else None
    return error_response(error.code, message)


@bp.app_errorhandler(InternalServerError)
def server_error(error):
    return error_response(500)
