"""Markdown: finding links, the limits that keep rendering quick, chart
directives, and Python-Markdown set up to give safe HTML.

May import: nothing else in builder.
"""
