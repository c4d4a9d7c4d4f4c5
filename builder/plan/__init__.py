"""What a build makes from the selected project: the rows both the site and the
PDFs show, the pages, the charts and the search indexes.

May import: model, markdown, reading, assets, meetings, project, selection.
"""
