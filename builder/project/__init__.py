"""The checked project: the kind table, each item read by it, site.yaml and
facts.yaml, the whole project loaded and checked, review dates, aliases and the
accessibility statement.

May import: model, markdown, reading, assets, meetings.
"""
