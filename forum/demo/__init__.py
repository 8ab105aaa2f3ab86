"""A realistic multilingual demo: a town's participatory process in four languages."""
