"""Making the planned outputs: the one Jinja environment, HTML pages, PDFs,
exports, the search index, and the skeleton text a build must not publish.

May import: model, markdown, reading, assets, meetings, project, selection, plan.
"""
