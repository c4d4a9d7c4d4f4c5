"""The content model: frozen records of items, the partnership (boards, groups,
contacts), minutes, where each output lands, and the problems found in content.

May import: nothing else in builder.
"""
