"""Putting a build where readers get it: the output folder and its swap, the web
server configuration, and the release manifest.

May import: model, markdown, reading, assets, meetings, project, selection, plan, render, system.
"""
