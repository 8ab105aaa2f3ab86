"""A person's data: download it, delete the account, the privacy page and security.txt."""
