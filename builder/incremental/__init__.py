"""Incremental building: the build cache, the fingerprints it is keyed by, and
which outputs a build may take unchanged from the last one.

May import: model, markdown, reading, assets, meetings, project, selection, plan, render, system.
"""
