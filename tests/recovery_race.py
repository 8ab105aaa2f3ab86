"""Run in separate processes: spend one code or reset link at the same moment."""
from __future__ import annotations


def spend(settings: dict, how: str, args: tuple, barrier, results) -> None:
    """Redeem a recovery code (`how` = "code"), a reset link ("link") or a resident's
    verification code ("verify", args = (user id, code)); put True if it worked."""
    from forum import create_app
    from forum.recovery import service

    app = create_app(settings)
    with app.app_context():
        barrier.wait(60)
        if how == "verify":
            from forum.accounts.models import User
            from forum.db import db
            from forum.residents.service import Redeemed, redeem

            user = db.session.get(User, args[0])
            results.put(redeem(user, args[1]) == Redeemed.VERIFIED)
            return
        if how == "code":
            results.put(service.recover(*args) is not None)
            return
        try:
            service.reset_password(*args)
        except service.RecoveryError:
            results.put(False)
        else:
            results.put(True)
