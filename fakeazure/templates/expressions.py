"""The ARM template expression language: tokens and the parser (``[concat('a', parameters('b'))]`` becomes
a tree of ``('lit', v)``, ``('call', name, args)``, ``('prop', node, name)`` and ``('index', node, expr)``).
"""
import hashlib
import re


class ExpressionError(Exception):
    """A template expression that cannot be parsed or evaluated; the caller names where it was."""


class _Deferred:
    """The value of ``reference()`` while validating (the resource may not exist yet)."""

    def __repr__(self):
        return "<deferred>"


DEFERRED = _Deferred()

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+)|(?P<id>[A-Za-z_][\w]*)|(?P<sym>[(),.\[\]]))")


def is_expression(value):
    return isinstance(value, str) and value.startswith("[") and value.endswith("]") and \
        not value.startswith("[[")


def _tokens(text):
    pos, out = 0, []
    while pos < len(text):
        if not text[pos:].strip():
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExpressionError("The language expression '{}' is not valid: unexpected character at "
                                  "position {}.".format(text, pos))
        pos = m.end()
        if m.group("str") is not None:
            out.append(("str", m.group("str")[1:-1].replace("''", "'")))
        elif m.group("num") is not None:
            out.append(("num", int(m.group("num"))))
        elif m.group("id") is not None:
            out.append(("id", m.group("id")))
        else:
            out.append(("sym", m.group("sym")))
    return out


class _Parser:
    """expr := literal accessor* | name '(' [expr (',' expr)*] ')' accessor*;
    accessor := '.' name | '[' expr ']'. Nodes: ('lit', v) ('call', name, args) ('prop', node, name)
    ('index', node, expr)."""

    def __init__(self, text):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def fail(self, why):
        return ExpressionError("The language expression '{}' is not valid: {}.".format(self.text, why))

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, kind=None, value=None):
        tok = self.peek()
        if tok[0] is None or (kind and tok[0] != kind) or (value is not None and tok[1] != value):
            raise self.fail("expected {} but found {}".format(value or kind, tok[1] if tok[0] else "the end"))
        self.i += 1
        return tok

    def parse(self):
        node = self.expr()
        if self.i != len(self.toks):
            raise self.fail("unexpected '{}'".format(self.peek()[1]))
        return node

    def expr(self):
        kind, value = self.peek()
        if kind in ("str", "num"):
            self.i += 1
            node = ("lit", value)
        elif kind == "id":
            self.i += 1
            self.take("sym", "(")
            args = []
            if self.peek() != ("sym", ")"):
                args.append(self.expr())
                while self.peek() == ("sym", ","):
                    self.i += 1
                    args.append(self.expr())
            self.take("sym", ")")
            node = ("call", value, args)
        else:
            raise self.fail("expected a function or a literal but found {}".format(value or "the end"))
        while True:
            tok = self.peek()
            if tok == ("sym", "."):
                self.i += 1
                node = ("prop", node, self.take("id")[1])
            elif tok == ("sym", "["):
                self.i += 1
                inner = self.expr()
                self.take("sym", "]")
                node = ("index", node, inner)
            else:
                return node


def parse_expression(text):
    """Parse ``text`` (without the surrounding brackets)."""
    return _Parser(text).parse()


def get_member(obj, name):
    if obj is DEFERRED:
        return DEFERRED
    if isinstance(obj, dict):
        if name in obj:
            return obj[name]
        for k, v in obj.items():
            if k.lower() == str(name).lower():
                return v
        raise ExpressionError("The language expression property '{}' doesn't exist, available properties are "
                              "'{}'.".format(name, ", ".join(obj)))
    raise ExpressionError("The language expression property '{}' can't be evaluated, property name must be "
                          "a string and the value an object.".format(name))


def unique_string(*parts):
    """13 lower-case base-32 characters, deterministic (ARM's own hash is not reproduced)."""
    digest = hashlib.sha256("-".join(parts).encode("utf-8")).digest()
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    n = int.from_bytes(digest[:8], "big")
    return "".join(alphabet[(n >> (5 * i)) & 31] for i in range(13))

