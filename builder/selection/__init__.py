"""The profile gate: the part of the checked project a build for one audience
may show.

May import: model, markdown, reading, assets, meetings, project.
"""
