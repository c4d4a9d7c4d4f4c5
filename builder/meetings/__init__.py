"""Meetings beyond their agenda: minutes' fields and checks, when papers are
published, and the records of issued packs and confirmed minutes that
briefing writes into the content folder.

May import: model, markdown, reading.
"""
