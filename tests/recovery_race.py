"""Run in separate processes: spend one recovery code or reset link at the same moment."""
from __future__ import annotations


def spend(settings: dict, how: str, args: tuple, barrier, results) -> None:
    """Redeem a code (`how` = "code") or a reset link ("link"); put True if it worked."""
    from forum import create_app
    from forum.recovery import service

    app = create_app(settings)
    with app.app_context():
        barrier.wait(60)
        if how == "code":
            results.put(service.recover(*args) is not None)
            return
        try:
            service.reset_password(*args)
        except service.RecoveryError:
            results.put(False)
        else:
            results.put(True)
