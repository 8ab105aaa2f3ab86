"""What administrators did that is not moderation: the administrators' audit log."""
