"""The public accountability page: how the institution answers proposals, what became of them."""
