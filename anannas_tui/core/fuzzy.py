"""A small fuzzy matcher for the CLI (`anannas-tui models QUERY`).

The TUI uses Textual's own matcher; the CLI may not import Textual (it must start fast and the core stays
UI-free), so this scores a case-insensitive subsequence match, preferring contiguous runs and matches at word
starts (after `/`, `-`, `.`, space), which is what makes "gpt5m" find "openai/gpt-5-mini".
"""

from __future__ import annotations

_BOUNDARIES = "/-_. :"


def fuzzy_score(query: str, candidate: str) -> float:
    """Score `candidate` against `query`; 0 means no match, higher is better."""
    needle = "".join(query.lower().split())
    if not needle:
        return 1.0
    haystack = candidate.lower()
    score, position, run = 0.0, 0, 0
    for char in needle:
        found = haystack.find(char, position)
        if found < 0:
            return 0.0
        run = run + 1 if found == position and position else 1
        at_boundary = found == 0 or haystack[found - 1] in _BOUNDARIES
        score += 1.0 + run + (2.0 if at_boundary else 0.0)
        position = found + 1
    if needle in haystack:
        score *= 2
    return float(score / (len(haystack) ** 0.25))
