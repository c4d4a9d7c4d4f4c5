"""Word in: `briefing import FILE.docx` turns a Word paper into a draft content
file and checks it with a build.

May import: model, markdown, reading, assets, meetings, project, selection, plan, render, publish, incremental, system, checks, build.
"""
