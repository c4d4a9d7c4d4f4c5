"""The commands beside `build`: `briefing new` (skeletons, minutes) and
`briefing serve` (the preview).

May import: model, markdown, reading, assets, meetings, project, selection, plan, render, publish, incremental, system, checks, build.
"""
