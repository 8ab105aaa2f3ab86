"""Official answers of the institution to proposals, and the milestones that follow them."""
