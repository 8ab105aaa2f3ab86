"""Run in separate processes: register for the last seat of an event at the same moment."""
from __future__ import annotations


def register(settings: dict, event_id: int, user_id: int, barrier, results) -> None:
    """Register a person for an event once the other process is ready; put the state."""
    from forum import create_app
    from forum.accounts.models import User
    from forum.db import db
    from forum.events import service
    from forum.events.models import Event

    app = create_app(settings)
    with app.app_context():
        event, user = db.session.get(Event, event_id), db.session.get(User, user_id)
        db.session.commit()  # both read the event with its seat free, then race
        barrier.wait(60)
        results.put(service.register(user, event).state)
