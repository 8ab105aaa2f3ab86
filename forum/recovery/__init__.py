"""Getting back into an account: reset links by e-mail, recovery codes, confirmed addresses."""
