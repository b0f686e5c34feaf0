"""A minimal syntax tree over markdown-it tokens, with no parent links.

markdown-it's own `SyntaxTreeNode` links children to parents, so every parsed block becomes a reference
cycle that only the cyclic garbage collector can free; parsing a long history that way left ~100 MB of
garbage waiting for a full collection. These nodes only point down, so they are freed as soon as a block
has been rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it.token import Token


@dataclass(slots=True)
class Node:
    """One block or inline element: the parts of its token(s) the renderers read."""

    type: str
    """Token type without "_open" (paragraph, heading, bullet_list, list_item, fence, inline, em, ...)."""
    tag: str = ""
    content: str = ""
    info: str = ""
    attrs: dict[str, str | int | float] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)


def _leaf(token: Token) -> Node:
    children = build(token.children) if token.children else []
    return Node(token.type, token.tag, token.content, token.info, dict(token.attrs), children)


def build(tokens: Sequence[Token]) -> list[Node]:
    """The top-level nodes of a (balanced) token list."""
    root: list[Node] = []
    stack: list[list[Node]] = [root]
    for token in tokens:
        if token.nesting == 1:
            node = Node(token.type.removesuffix("_open"), token.tag, "", token.info, dict(token.attrs))
            stack[-1].append(node)
            stack.append(node.children)
        elif token.nesting == -1:
            if len(stack) > 1:
                stack.pop()
        else:
            stack[-1].append(_leaf(token))
    return root
