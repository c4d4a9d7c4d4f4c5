"""Reading files, knowing nothing of kinds: text files and their front matter,
YAML that remembers its lines, typed fields and the field rules.

May import: model, markdown.
"""
