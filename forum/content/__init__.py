"""Turning what people write into safe HTML, and finding out which language it is in."""
