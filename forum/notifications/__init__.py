"""In-app notifications and following proposals; e-mail only when SMTP is configured."""
