"""Asset files (images and documents an item links to): checked before they are
published, and scrubbed of what they carry besides what they show.

May import: model.
"""
