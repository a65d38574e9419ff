"""Expressions of the simulated guest's PowerShell, evaluated from the tree-sitter syntax tree.

Modelled: variables ($x, ${x}, $env:X, automatic $true/$false/$null/$_/$LASTEXITCODE/$?), strings ('...' and
"..." with $var, $(...) and backtick escapes, both here-strings), numbers (with KB/MB/GB suffixes), arrays
(a, b and @(...)), hashtables (@{...}, [ordered]), [pscustomobject], casts ([string], [int], [bool], [char],
[byte[]]), member access and member enumeration, indexing, the operators -and -or -not ! + - * / % -f -join
-replace -split and every comparison operator, a few .NET methods (see METHODS / STATIC). Anything else raises
NotModelled naming the construct.
"""

from __future__ import annotations

import base64
import re
from xml.sax.saxutils import escape as xml_escape

from .ps_values import (ErrorRecord, Hashtable, NotModelled, PSChar, PSObject, PSRuntimeError, ScriptBlock, compare,
                        member, to_number, to_str, truthy)

_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_WRAPPERS = ("logical_expression", "bitwise_expression", "comparison_expression", "additive_expression",
             "multiplicative_expression", "format_expression", "range_expression", "array_literal_expression",
             "unary_expression", "expression_with_unary_operator", "left_assignment_expression",
             "argument_expression", "logical_argument_expression", "bitwise_argument_expression",
             "comparison_argument_expression", "additive_argument_expression",
             "multiplicative_argument_expression", "format_argument_expression", "range_argument_expression")
_SUFFIX = {"kb": 1024, "mb": 1024 ** 2, "gb": 1024 ** 3, "tb": 1024 ** 4, "pb": 1024 ** 5}


def unescape(text: str) -> str:
    """Backtick escapes of a double-quoted string."""
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "`" and i + 1 < len(text):
            out.append(_ESCAPES.get(text[i + 1], text[i + 1]))
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


class Expressions:
    """Mixed into the engine: ``self.script``, ``self.vars``, ``self.collect()`` come from there."""

    def eval(self, node):
        kind = node.type
        named = [c for c in node.named_children if c.type != "comment"]
        if kind in _WRAPPERS:
            return self._operator_node(node, named)
        handler = getattr(self, "_x_" + kind, None)
        if handler is None:
            raise NotModelled(f"the expression '{kind}'", self.script.text(node), self.script.line_of(node))
        return handler(node, named)

    # -- operators ----------------------------------------------------------------------------------
    def _operator_node(self, node, named):
        kind = node.type
        if kind in ("array_literal_expression", "argument_expression") and len(named) > 1:
            return [self.eval(c) for c in named]
        if len(named) == 1 and len(node.children) == 1:
            return self.eval(named[0])
        tokens = [c for c in node.children if c.type != "comment"]
        if kind == "expression_with_unary_operator":
            return self._unary(node, tokens)
        if len(tokens) == 3:
            left, op, right = tokens
            return self._binary(self.script.text(op).strip(), left, right, node)
        if len(named) == 1:
            return self.eval(named[0])
        raise NotModelled(f"the expression '{kind}'", self.script.text(node), self.script.line_of(node))

    def _unary(self, node, tokens):
        first = tokens[0]
        if first.type == "cast_expression":
            return self.eval(first)
        op = self.script.text(first).strip().lower()
        operand = tokens[-1]
        if op in ("-not", "!"):
            return not truthy(self.eval(operand))
        if op == "-":
            return -to_number(self.eval(operand))
        if op == "+":
            return to_number(self.eval(operand))
        if op == ",":
            return [self.eval(operand)]
        if op in ("++", "--") or first.type in ("pre_increment_expression", "pre_decrement_expression"):
            raise NotModelled("increment and decrement operators", self.script.text(node), self.script.line_of(node))
        if len(tokens) == 1:
            return self.eval(first)
        raise NotModelled(f"the unary operator '{op}'", self.script.text(node), self.script.line_of(node))

    def _binary(self, op, left_node, right_node, node):
        low = op.lower()
        if low in ("-and", "-or", "-xor"):
            left = truthy(self.eval(left_node))
            if low == "-and" and not left:
                return False
            if low == "-or" and left:
                return True
            right = truthy(self.eval(right_node))
            return (left != right) if low == "-xor" else right
        left, right = self.eval(left_node), self.eval(right_node)
        if low == "+":
            if isinstance(left, list):
                return left + (right if isinstance(right, list) else [right])
            if isinstance(left, str):
                return left + to_str(right)
            if isinstance(left, Hashtable):
                merged = Hashtable(left)
                merged.update(right)
                return merged
            return to_number(left) + to_number(right)
        if low in ("-", "*", "/", "%"):
            if low == "*" and isinstance(left, str):
                return left * int(to_number(right))
            a, b = to_number(left), to_number(right)
            result = {"-": lambda: a - b, "*": lambda: a * b, "%": lambda: a % b,
                      "/": lambda: a / b if b else self._divide_by_zero()}[low]()
            return int(result) if isinstance(result, float) and result.is_integer() and low == "/" else result
        if low == "-f":
            values = right if isinstance(right, list) else [right]
            return re.sub(r"\{(\d+)\}", lambda m: to_str(values[int(m.group(1))]), to_str(left))
        if low == "..":
            a, b = int(to_number(left)), int(to_number(right))
            return list(range(a, b + 1)) if a <= b else list(range(a, b - 1, -1))
        if low in ("-join", "-ijoin", "-cjoin"):
            items = left if isinstance(left, list) else [left]
            return to_str(right).join(to_str(i) for i in items)
        if low in ("-split", "-isplit", "-csplit"):
            return re.split(to_str(right), to_str(left), flags=0 if low == "-csplit" else re.I)
        if low in ("-replace", "-ireplace", "-creplace"):
            pattern, repl = (right + [""])[:2] if isinstance(right, list) else (right, "")
            repl = re.sub(r"\$(\d+)", r"\\\1", to_str(repl))
            return re.sub(to_str(pattern), repl, to_str(left), flags=0 if low == "-creplace" else re.I)
        if low in ("-is", "-isnot", "-as", "-band", "-bor", "-bxor", "-shl", "-shr"):
            raise NotModelled(f"the operator {op}", self.script.text(node), self.script.line_of(node))
        return compare(low, left, right)

    def _divide_by_zero(self):
        raise PSRuntimeError(ErrorRecord("Attempted to divide by zero.", "RuntimeException",
                                         "NotSpecified", exception="RuntimeException"))

    # -- leaves -------------------------------------------------------------------------------------
    def _x_variable(self, node, _named):
        return self.get_var(self.script.text(node))

    def _x_braced_variable(self, node, named):
        return self.get_var("$" + self.script.text(node)[2:-1])

    def _x_integer_literal(self, node, _named):
        text = self.script.text(node).lower()
        factor = 1
        if text[-2:] in _SUFFIX:
            text, factor = text[:-2], _SUFFIX[text[-2:]]
        text = text.rstrip("l")
        return (int(text, 16) if text.startswith("0x") else int(text)) * factor

    def _x_real_literal(self, node, _named):
        text = self.script.text(node).lower()
        factor = 1
        if text[-2:] in _SUFFIX:
            text, factor = text[:-2], _SUFFIX[text[-2:]]
        value = float(text.rstrip("d")) * factor
        return int(value) if factor != 1 and value.is_integer() else value

    def _x_string_literal(self, node, named):
        if not named:
            return self.script.text(node)
        return self.eval(named[0])

    def _x_verbatim_string_characters(self, node, _named):
        return self.script.text(node)[1:-1].replace("''", "'")

    def _x_verbatim_here_string_characters(self, node, _named):
        return _here_body(self.script.text(node))

    def _x_expandable_string_literal(self, node, named):
        return self._expand(node, 1, 1).replace('""', '"') if True else ""

    def _x_expandable_here_string_literal(self, node, named):
        text = self.script.text(node)
        start = text.index("\n") + 1
        end = text.rindex("\n")
        return self._expand(node, start, len(text) - end)

    def _expand(self, node, head: int, tail: int) -> str:
        """Splice $var and $(...) values into the literal text between them (byte offsets of the tree)."""
        src, out = self.script.source, []
        pos = node.start_byte + head
        stop = node.end_byte - tail
        for child in node.named_children:
            if child.type not in ("variable", "sub_expression", "braced_variable"):
                continue
            out.append(unescape(src[pos:child.start_byte].decode("utf-8")))
            out.append(to_str(self.eval(child)))
            pos = child.end_byte
        out.append(unescape(src[pos:max(pos, stop)].decode("utf-8")))
        return "".join(out).replace("\r\n", "\n")

    def _x_sub_expression(self, node, named):
        return _unwrap(self.collect_statements(named[0]) if named else [])

    def _x_array_expression(self, node, named):
        return list(self.collect_statements(named[0])) if named else []

    def _x_parenthesized_expression(self, node, named):
        return _unwrap(self.collect_pipeline(named[0])) if named else None

    def _x_script_block_expression(self, node, named):
        body = next((c for c in named if c.type == "script_block"), None)
        text = self.script.text(node)
        return ScriptBlock(body, text[1:-1])

    def _x_hash_literal_expression(self, node, named):
        table = Hashtable()
        body = named[0] if named else None
        for entry in (body.named_children if body is not None else []):
            if entry.type != "hash_entry":
                continue
            key_node, value_node = entry.named_children[0], entry.named_children[-1]
            key = self.script.text(key_node).strip().strip("'\"")
            table[key] = self.statement_value(value_node)
        return table

    def statement_value(self, node):
        """A statement used as a value (an assignment's right side, a hashtable entry's value): an expression's
        value as it is (``@{A=@('x')}`` and ``$a = @('x')`` keep a one-element array: about_Arrays,
        about_Hash_Tables), a command pipeline's output unrolled (one object alone, several as an array)."""
        if node.type == "pipeline":
            chain = node.named_children[0] if node.named_children else None
            if chain is not None and chain.type == "pipeline_chain" and len(chain.named_children) == 1 \
                    and chain.named_children[0].type != "command":
                return self.eval(chain.named_children[0])
            if chain is not None and chain.type == "assignment_expression":
                self._assign(chain)  # pylint: disable=no-member
                return self.eval(chain.named_children[0])
            items = self.collect_pipeline(node)
        else:
            items = self.collect_statements(node) if node.type == "statement_list" else [self.eval(node)]
        return _unwrap(items)

    def _x_cast_expression(self, node, named):
        type_name = self.script.text(named[0]).strip("[]").lower()
        value = self.eval(named[1])
        return cast(type_name, value, self.script.text(node))

    def _x_type_literal(self, node, _named):
        return ("type", self.script.text(node).strip("[]").lower())

    def _x_member_access(self, node, named):
        target = self.eval(named[0])
        name = self.script.text(named[-1])
        if isinstance(target, tuple) and target[:1] == ("type",):
            key = f"{_short(target[1])}::{name.lower()}"
            if key not in STATIC_PROPS:
                raise NotModelled(f"the static member [{target[1]}]::{name}", self.script.text(node),
                                  self.script.line_of(node))
            return STATIC_PROPS[key]
        if isinstance(target, str) and name.lower() not in ("length",):
            raise NotModelled(f"the string property .{name}", self.script.text(node), self.script.line_of(node))
        return member(target, name)

    def _x_element_access(self, node, named):
        target, index = self.eval(named[0]), self.eval(named[1])
        if isinstance(target, (Hashtable, PSObject)):
            return target[to_str(index)] if to_str(index) in target else None
        items = target if isinstance(target, (list, str, bytes)) else [target]
        try:
            return items[int(to_number(index))]
        except IndexError:
            return None

    def _x_invokation_expression(self, node, named):
        head = named[0]
        args_node = next((c for c in named if c.type == "argument_list"), None)
        args = []
        if args_node is not None:
            for child in args_node.named_children:
                if child.type == "argument_expression_list":
                    args += [self.eval(a) for a in child.named_children]
        name_node = next(c for c in named if c.type == "member_name")
        name = self.script.text(name_node)
        target = self.eval(head)
        text = self.script.text(node)
        if isinstance(target, tuple) and target[:1] == ("type",):
            key = f"{_short(target[1])}::{name.lower()}"
            if key not in STATIC:
                raise NotModelled(f"the static method [{target[1]}]::{name}()", text, self.script.line_of(node))
            return STATIC[key](*args)
        method = METHODS.get(name.lower())
        if method is None or not isinstance(target, (str, list, bytes, _Encoding)):
            raise NotModelled(f"the method .{name}()", text, self.script.line_of(node))
        return method(target, *args)


class _Encoding:
    def __init__(self, name):
        self.name = name


def _short(type_name: str) -> str:
    return type_name.lower().replace("system.", "")


def _from_base64(text):
    try:
        return base64.b64decode(to_str(text), validate=True)
    except Exception:
        raise PSRuntimeError(ErrorRecord(
            'Exception calling "FromBase64String" with "1" argument(s): "The input is not a valid Base-64 string '
            'as it contains a non-base 64 character, more than two padding characters, or an illegal character '
            'among the padding characters. "', "FormatException", "NotSpecified",
            exception="MethodInvocationException"))


STATIC = {
    "convert::frombase64string": _from_base64,
    "convert::tobase64string": lambda data: base64.b64encode(bytes(data)).decode("ascii"),
    "security.securityelement::escape": lambda s: xml_escape(to_str(s), {'"': "&quot;", "'": "&apos;"}),
    "string::isnullorempty": lambda s: to_str(s) == "",
    "math::max": lambda a, b: max(to_number(a), to_number(b)),
}
STATIC_PROPS = {"text.encoding::utf8": _Encoding("utf-8"), "text.encoding::unicode": _Encoding("utf-16-le"),
                "text.encoding::ascii": _Encoding("ascii")}
METHODS = {
    "getstring": lambda enc, data: bytes(data).decode(enc.name, "replace"),
    "getbytes": lambda enc, text: to_str(text).encode(enc.name),
    "trim": lambda s, *chars: to_str(s).strip(*(to_str(c) for c in chars)),
    "trimend": lambda s, *chars: to_str(s).rstrip(*(to_str(c) for c in chars)),
    "trimstart": lambda s, *chars: to_str(s).lstrip(*(to_str(c) for c in chars)),
    "toupper": lambda s: to_str(s).upper(), "tolower": lambda s: to_str(s).lower(),
    "tostring": lambda s: to_str(s),
    "replace": lambda s, a, b: to_str(s).replace(to_str(a), to_str(b)),
    "contains": lambda s, x: (to_str(x) in to_str(s)) if isinstance(s, str) else compare("contains", s, x),
    "startswith": lambda s, x: to_str(s).startswith(to_str(x)),
    "endswith": lambda s, x: to_str(s).endswith(to_str(x)),
    "split": lambda s, sep: to_str(s).split(to_str(sep)),
    "substring": lambda s, a, n=None: to_str(s)[int(a):] if n is None else to_str(s)[int(a):int(a) + int(n)],
}


def cast(type_name: str, value, text: str = ""):
    name = _short(type_name)
    if name in ("string",):
        return to_str(value)
    if name in ("int", "int32", "int64", "long", "uint32", "uint64"):
        return int(to_number(value))
    if name in ("bool", "boolean", "switch"):
        return truthy(value)
    if name == "char":
        return PSChar(to_str(value)[:1])
    if name in ("byte[]",):
        return bytes(value) if not isinstance(value, str) else value.encode("utf-8")
    if name in ("array", "object[]", "string[]"):
        items = value if isinstance(value, list) else [value]
        return [to_str(v) for v in items] if name == "string[]" else items
    if name in ("pscustomobject", "ordered", "hashtable"):
        if isinstance(value, Hashtable):
            return PSObject(dict(value.items())) if name == "pscustomobject" else value
    if name in ("void",):
        return None
    raise NotModelled(f"the cast [{type_name}]", text)


def _here_body(text: str) -> str:
    start = text.index("\n") + 1
    end = text.rindex("\n")
    return text[start:end].replace("\r\n", "\n").rstrip("\r") if end >= start else ""


def _unwrap(items):
    items = list(items)
    if not items:
        return None
    return items[0] if len(items) == 1 else items
