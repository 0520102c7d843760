"""Securing a service: sourcing routes, transaction costs, bid evaluation and OCDS publication."""
