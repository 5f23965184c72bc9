"""Analyses of an organisation's game: the company optimum, local gaming, the view from each department."""
