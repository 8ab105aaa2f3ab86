"""Participatory processes: dated phases that say what is open, and the topics they use."""
