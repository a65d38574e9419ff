"""Reading a request body as ARM's template deployment service reads it: JSON as the Json.NET reader
(``Newtonsoft.Json.JsonTextReader``) accepts it, which is more than RFC 8259.

Evidence that ARM is this lenient: azure-cli sends the deployment body with the template text as the user
wrote it, and real Azure accepted (200/201) bodies with ``//`` comments and an unquoted property name
(``... "mode": "Incremental", template:{ ... "resources": [] // comment }``: the recordings
``test_group_deployment_lite``, ``test_resource_group_level_what_if`` and others of Azure/azure-cli's resource
module, kept in ``tests/fixtures/azure-traffic/``); Learn's template syntax page allows ``//`` and ``/* */``
comments in templates. ARM's own deserialisation errors are Json.NET's messages
("... could not be deserialized: 'Could not find member 'template' on object of type 'DeploymentDefinition'.
Path 'template', line 1, position 12.'", Azure/azure-sdk-for-python#14566), so the reader is Json.NET's.

What Json.NET's reader accepts beyond strict JSON, and so what this accepts:

* comments, ``// ...`` to the end of the line and ``/* ... */``, wherever whitespace may stand;
* property names without quotes, made of letters, digits, ``_`` and ``$`` (``ValidIdentifierChar``);
* strings (and names) in single quotes, with ``\\'`` as an escape;
* a comma before the closing ``}`` or ``]``;
* raw control characters (a line break) inside a string.

Only these; ``NaN``, ``Infinity``, ``undefined``, constructors and hex numbers, which Json.NET also reads,
are refused here (no request the fake has seen needs them). Of the five, comments and unquoted names are
proven by recordings; the other three are Json.NET's behaviour, not seen from ARM (``fakeazure/UNVERIFIED.md``).
An error message is Json.NET's wording with its ``Path '...', line L, position P.`` suffix; the positions
follow Json.NET's rule (the characters of the line read, the offending one included) but were not compared
with ARM's.

Everywhere else the fake reads bodies with the strict parser (:meth:`fakeazure.core.responses.BaseResponse.
json_body`): whether other resource providers are as lenient is not known.
"""
import re

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_SURROGATE = re.compile("[\ud800-\udfff]")
_SIMPLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class JsonNetError(ValueError):
    """A body Json.NET would not read; ``str()`` is Json.NET's message with path, line and position."""


class Document(dict):
    """The top-level object of a parsed body, with ``positions``: the dotted path of every value -> Json.NET's
    ``(lineNumber, linePosition)`` of it (the line, and the characters of the line read once its first
    character is), which ARM's template errors quote ("at line '18' and column '20'")."""

    positions = None


def loads(text):
    """Parse ``text`` as Json.NET does (see the module doc). Raises :class:`JsonNetError`. A top-level object is
    a :class:`Document` that knows where each of its values was."""
    reader = _Reader(text)
    value = reader.document()
    if isinstance(value, dict):
        value = Document(value)
        value.positions = reader.positions
    return value


class _Reader:
    def __init__(self, text):
        self.text = text
        self.pos = 0
        self.path = []
        self.positions = {}

    # -- positions and errors ---------------------------------------------------------------------
    def fail(self, message, at=None):
        at = self.pos if at is None else at  # characters read so far; Json.NET's position is the count on the line
        line = self.text.count("\n", 0, at) + 1 if at else 0
        column = at - (self.text.rfind("\n", 0, at) + 1)
        raise JsonNetError("{} Path '{}', line {}, position {}.".format(message, self._path(), line, column))

    def _path_dotted(self):
        return ".".join(str(p) for p in self.path)

    def _path(self):
        out = ""
        for part in self.path:
            if isinstance(part, int):
                out += "[{}]".format(part)
            elif _SIMPLE_NAME.match(part):
                out += ("." if out else "") + part
            else:
                out += "['{}']".format(part)
        return out

    def peek(self):
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip(self):
        """Whitespace and comments."""
        text, n = self.text, len(self.text)
        while self.pos < n:
            c = text[self.pos]
            if c in " \t\r\n\ufeff":
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = n if end < 0 else end + 1
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    self.pos = n
                    self.fail("Unexpected end while parsing comment.")
                self.pos = end + 2
            elif c == "/":
                self.fail("Error parsing comment. Expected: *, got {}.".format(text[self.pos + 1:self.pos + 2]
                                                                              or "end"), self.pos + 1)
            else:
                return

    # -- grammar ----------------------------------------------------------------------------------
    def document(self):
        self.skip()
        if not self.peek():
            self.fail("Unexpected end when reading JSON.")
        value = self.value()
        self.skip()
        if self.peek():
            self.fail("Additional text encountered after finished reading JSON content: {}.".format(self.peek()),
                      self.pos + 1)
        return value

    def value(self):
        at = self.pos + 1
        self.positions[self._path_dotted()] = (self.text.count("\n", 0, at) + 1,
                                               at - (self.text.rfind("\n", 0, at) + 1))
        c = self.peek()
        if c == "{":
            return self.obj()
        if c == "[":
            return self.array()
        if c in "\"'":
            return self.string()
        if c == "-" or c.isdigit():
            return self.number()
        for word, result in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return result
        if not c:
            self.fail("Unexpected end when reading JSON.")
        self.fail("Unexpected character encountered while parsing value: {}.".format(c), self.pos + 1)

    def obj(self):
        """An object; the path names its last property until the next one (or the end), as Json.NET's does."""
        self.pos += 1
        out, level = {}, len(self.path)
        while True:
            self.skip()
            c = self.peek()
            if c == "}":
                self.pos += 1
                del self.path[level:]
                return out
            if not c:
                self.fail("Unexpected end when reading JSON.")
            name = self.string() if c in "\"'" else self.bare_name()
            self._at(level, name)
            self.skip()
            if self.peek() != ":":
                self.fail("Invalid character after parsing property name. Expected ':' but got: {}."
                          .format(self.peek() or "end"), self.pos + 1)
            self.pos += 1
            self.skip()
            out[name] = self.value()
            self.after_value("}")
            if self.peek() == "}":
                self.pos += 1
                del self.path[level:]
                return out
            self.pos += 1  # the comma

    def array(self):
        self.pos += 1
        out, level = [], len(self.path)
        while True:
            self.skip()
            if self.peek() == "]":
                self.pos += 1
                del self.path[level:]
                return out
            self._at(level, len(out))
            out.append(self.value())
            self.after_value("]")
            if self.peek() == "]":
                self.pos += 1
                del self.path[level:]
                return out
            self.pos += 1

    def _at(self, level, part):
        del self.path[level + 1:]
        if len(self.path) > level:
            self.path[level] = part
        else:
            self.path.append(part)

    def after_value(self, close):
        self.skip()
        c = self.peek()
        if c in (",", close):
            return
        if not c:
            self.fail("Unexpected end when reading JSON.")
        self.fail("After parsing a value an unexpected character was encountered: {}.".format(c), self.pos + 1)

    def bare_name(self):
        start = self.pos
        while self.pos < len(self.text) and (self.text[self.pos].isalnum() or self.text[self.pos] in "_$"):
            self.pos += 1
        c = self.peek()
        if self.pos == start:
            self.fail("Invalid property identifier character: {}.".format(c), self.pos + 1)
        if c and c not in ": \t\r\n/":
            self.fail("Invalid JavaScript property identifier character: {}.".format(c), self.pos + 1)
        return self.text[start:self.pos]

    def string(self):
        quote = self.peek()
        self.pos += 1
        parts = []
        text = self.text
        while True:
            end = self.pos
            while end < len(text) and text[end] not in (quote, "\\"):
                end += 1
            parts.append(text[self.pos:end])
            if end >= len(text):
                self.pos = end
                self.fail("Unterminated string. Expected delimiter: {}.".format(quote))
            self.pos = end + 1
            if text[end] == quote:
                out = "".join(parts)  # a \uD83D\uDE00 pair is one character, as in .NET's UTF-16 strings
                return out.encode("utf-16", "surrogatepass").decode("utf-16") if _SURROGATE.search(out) else out
            esc = self.peek()
            if esc in _ESCAPES:
                parts.append(_ESCAPES[esc])
                self.pos += 1
            elif esc == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", text[self.pos + 1:self.pos + 5] or ""):
                parts.append(chr(int(text[self.pos + 1:self.pos + 5], 16)))
                self.pos += 5
            else:
                self.fail("Bad JSON escape sequence: \\{}.".format(esc), self.pos + 1)

    def number(self):
        m = _NUMBER.match(self.text, self.pos)
        if m is None:
            self.fail("Input string '{}' is not a valid number.".format(self.peek()), self.pos + 1)
        self.pos = m.end()
        s = m.group(0)
        return float(s) if any(ch in s for ch in ".eE") else int(s)
