"""What the views of every feature share: the base form, reading arguments, where to go next,
and the boundary a request passes before any view reads it."""
