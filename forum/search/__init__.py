"""Search across languages: every text is findable in every language it was translated into."""
