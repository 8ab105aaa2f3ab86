"""Run in separate processes: mark one comment helpful, or take it back, at the same moment."""
from __future__ import annotations


def mark(settings: dict, comment_id: int, user_id: int, withdraw: bool, barrier,
         results) -> None:
    """Vote (or unvote) once the other process is ready; put whether it counted."""
    from forum import create_app
    from forum.accounts.models import User
    from forum.comments import votes
    from forum.comments.models import Comment
    from forum.db import db

    app = create_app(settings)
    with app.app_context():
        comment, user = db.session.get(Comment, comment_id), db.session.get(User, user_id)
        db.session.commit()  # both have read the comment, then race
        barrier.wait(60)
        results.put(votes.unvote(user, comment) if withdraw else votes.vote(user, comment))
