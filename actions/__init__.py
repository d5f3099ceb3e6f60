"""Rasa SDK action server for Wegwijzer Jeugdhulp: thin actions over the domain logic in bot/."""
