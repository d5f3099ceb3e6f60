"""Handoff to the local team: consent, the structured summary, storage, delivery, retention."""
