"""Parsing a script as Windows PowerShell 5.1 does: the tree-sitter PowerShell grammar, then 5.1's refusals.

`parse(text)` returns a :class:`Script` (the syntax tree and the source) or raises :class:`ParseError`, whose
text is what powershell.exe -File prints for a script that does not parse (nothing of it runs; exit code 1).

5.1 rules applied on top of the grammar (which parses PowerShell 7's syntax):
- any ERROR or MISSING node is a parse failure: ``??``, ``?.``, ``?:`` (ternary) and ``??=`` come out as ERROR
  nodes, so they fail as in 5.1 ("Unexpected token '?' in expression or statement.");
- the pipeline chain operators ``&&`` and ``||`` parse in the grammar (a ``pipeline_chain_tail``); 5.1 refuses
  them: "The token '&&' is not a valid statement separator in this version." (FullyQualifiedErrorId
  InvalidEndOfLine; PowerShell 7 introduced them, about_Pipeline_Chain_Operators).

A grammar limitation, stricter than Windows: an unquoted comma list in command mode (``Select-Object
Number, Size``) is an ERROR node in tree-sitter-powershell 0.26 although 5.1 accepts it; quote the names
(``Select-Object -Property 'Number', 'Size'``). Such a script fails here with the parse error, never passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter
import tree_sitter_powershell

_LANGUAGE = tree_sitter.Language(tree_sitter_powershell.language())
_PARSER = tree_sitter.Parser(_LANGUAGE)


class ParseError(Exception):
    def __init__(self, message: str, line: int, column: int, line_text: str, error_id: str, width: int = 1):
        super().__init__(message)
        self.message, self.line, self.column, self.line_text = message, line, column, line_text
        self.error_id, self.width = error_id, width

    def render(self, script_path: str) -> str:
        """The error as powershell.exe -File prints it (ParserError, ParseException)."""
        return (f"At {script_path}:{self.line} char:{self.column}\n+ {self.line_text}\n"
                f"+ {' ' * (self.column - 1)}{'~' * max(1, self.width)}\n{self.message}\n"
                f"    + CategoryInfo          : ParserError: (:) [], ParseException\n"
                f"    + FullyQualifiedErrorId : {self.error_id}\n")


@dataclass
class Script:
    root: tree_sitter.Node
    source: bytes

    def text(self, node) -> str:
        return self.source[node.start_byte:node.end_byte].decode("utf-8")

    def line_of(self, node) -> int:
        return node.start_point[0] + 1

    def line_text(self, line: int) -> str:
        lines = self.source.decode("utf-8").split("\n")
        return lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else ""


def parse(text: str) -> Script:
    source = text.encode("utf-8")
    tree = _PARSER.parse(source)
    script = Script(tree.root_node, source)
    bad = _first_error(tree.root_node)
    while bad is not None and not bad.is_missing:
        inner = next((c for c in bad.children if c.is_error or c.type == "ERROR"), None)
        if inner is None or not script.text(inner).strip():
            break
        bad = inner
    if bad is not None:
        raw = script.text(bad)
        line, col = bad.start_point[0] + 1, bad.start_point[1] + 1 + (len(raw) - len(raw.lstrip()))
        token = raw.strip().split()[0] if raw.strip() else ""
        if bad.is_missing:
            message, error_id = f"Missing '{bad.type}' in statement.", "MissingToken"
        else:
            token = _unexpected_token(bad, script) or token
            message, error_id = f"Unexpected token '{token}' in expression or statement.", "UnexpectedToken"
        raise ParseError(message, line, col, script.line_text(line), error_id, len(token or " "))
    chain = _first_of(tree.root_node, "pipeline_chain_tail")
    if chain is not None:
        line, col = chain.start_point[0] + 1, chain.start_point[1] + 1
        token = script.text(chain).strip()
        raise ParseError(f"The token '{token}' is not a valid statement separator in this version.",
                         line, col, script.line_text(line), "InvalidEndOfLine", len(token))
    return script


def _first_error(node):
    if node.is_error or node.is_missing:
        return node
    if not node.has_error:
        return None
    for child in node.children:
        found = _first_error(child)
        if found is not None:
            return found
    return node if node.is_error else None


def _unexpected_token(node, script) -> str:
    """The token 5.1 would name: the first unexpected character run inside an ERROR node."""
    for child in node.children:
        if child.type == "ERROR" or child.is_error:
            inner = script.text(child).strip()
            if inner:
                return inner.split()[0]
    text = script.text(node).strip()
    for mark in ("??", "?.", "?"):
        if mark in text:
            return mark
    return text.split()[0] if text else ""


def _first_of(node, kind):
    if node.type == kind:
        return node
    for child in node.children:
        found = _first_of(child, kind)
        if found is not None:
            return found
    return None
