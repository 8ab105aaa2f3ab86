"""Flask extensions, created unbound here and bound to the app in create_app."""
from __future__ import annotations

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from limits import parse_many

# The limits an operator sets in the configuration (config/defaults.toml documents each).
CONFIGURED_LIMITS = (
    "RATELIMIT_LOGIN", "RATELIMIT_REGISTER", "RATELIMIT_PASSWORD", "RATELIMIT_PROPOSAL",
    "RATELIMIT_COMMENT", "RATELIMIT_EDIT", "RATELIMIT_SUPPORT", "RATELIMIT_REPORT",
    "RATELIMIT_APPEAL", "RATELIMIT_PASSWORD_RESET", "RATELIMIT_RECOVER", "RATELIMIT_VERIFY",
    "RATELIMIT_EVENT", "RATELIMIT_VOTE",
    "LOGIN_FAILURES_PER_ADDRESS", "LOGIN_FAILURES_PER_ADDRESS_AND_NAME",
    "LOGIN_ATTACK_THRESHOLD", "LOGIN_FAILURES_UNDER_ATTACK",
)


class ForumLimiter(Limiter):
    """Flask-Limiter, checking the configured limits when an app starts."""

    def init_app(self, app) -> None:
        """Refuse limits that do not parse, then bind to `app` with its own settings."""
        check_limits(app.config)
        # One limiter serves every app a process makes (tests make many): without this,
        # the first app's key prefix, strategy and "storage unreachable" state would stick
        # to all the others.
        self._key_prefix, self._strategy, self._storage_options = "", None, {}
        self._storage_dead = False
        super().init_app(app)


def check_limits(config) -> None:
    """Raise ValueError naming a configured limit that is not in limits' notation."""
    for name in CONFIGURED_LIMITS:
        try:
            parse_many(str(config[name]))
        except (KeyError, ValueError) as error:
            raise ValueError(f"{name} = {config.get(name)!r} is not a rate limit such as "
                             f"\"10 per minute; 100 per hour\" ({error})") from None


def configured(name: str):
    """Return a limit that reads setting `name` when a request comes, not at import."""
    def limit() -> str:
        return current_app.config[name]
    return limit


def person_or_address() -> str:
    """Key a limit by the person logged in, else by the client's address."""
    # Many citizens share one address (a library, a town hall's Wi-Fi, a carrier's NAT):
    # counting their writes by address would let one of them use up everyone's.
    if current_user and current_user.is_authenticated:
        return f"person:{current_user.id}"
    return get_remote_address()


def write_limit(name: str, scope: str):
    """Limit a form's POSTs, per person, by setting `name`, shared by the routes of `scope`."""
    return limiter.shared_limit(configured(name), scope, key_func=person_or_address,
                                methods=["POST"])


migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Limits are declared on the views; storage comes from RATELIMIT_STORAGE_URI. Behind a
# proxy, PROXY_COUNT makes the client's address the forwarded one (forum.security).
limiter = ForumLimiter(key_func=get_remote_address, default_limits=[])
