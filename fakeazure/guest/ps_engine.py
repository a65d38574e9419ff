"""Windows PowerShell 5.1 for Run Command scripts in the simulated guest, executed from the syntax tree.

A script runs as ``powershell.exe -ExecutionPolicy Unrestricted -File <script>`` does (how the Run Command
handlers start it is assumed, not verified): a parse error runs nothing and exits 1; ``exit n`` exits n; an
uncaught terminating error prints its record on stderr and exits 1; otherwise the exit code is 0, whatever
``$LASTEXITCODE`` is (about_PowerShell_exe: "With normal termination, the exit code is always 0").

Modelled (anything else fails the script with its line and the construct named, on stderr, exit code 1):
- statements: pipelines, assignment (= += -=) to variables, properties and hashtable keys, ``if/elseif/else``,
  ``foreach``, ``try/catch/finally`` (a typed catch catches everything), ``throw``, ``exit``, ``param()`` bound
  from Run Command parameters ([string], [int], [bool], [switch], defaults);
- commands: cmdlets of :mod:`.ps_cmdlets`, native programs of :mod:`.ps_native` (``&`` and ``.exe`` too),
  named/positional/switch parameters, ``-Name:value``, ``-ErrorAction``, redirections ``2>&1``, ``2>$null``,
  ``> file``, ``>> file``, ``| Out-Null``;
- native programs: arguments as 5.1 passes them (a script block becomes ``-encodedCommand <base64>
  -inputFormat xml -outputFormat text``, PowerShell/PowerShell#4973; an empty string argument is dropped;
  an argument with a space is quoted without escaping inner quotes), stdout lines as strings, ``$LASTEXITCODE``
  and ``$?``; ``$ErrorActionPreference = 'Stop'`` does not stop on a non-zero exit code, but stops at the first
  stderr line when stderr is redirected (``2>&1``, ``2>$null``) with a NativeCommandError
  (PowerShell/PowerShell#4002); unredirected stderr goes straight to the script's stderr;
- errors: non-terminating cmdlet errors print and go on (``$?`` false) or stop with 'Stop'/-ErrorAction Stop;
  'SilentlyContinue' hides them.
Expressions: see :mod:`.ps_expr`. Output: objects are formatted at the end as Out-Default does (:mod:`.ps_format`).
"""

from __future__ import annotations

from .ps_expr import Expressions, cast
from .ps_format import format_default, render_error
from .ps_commands import run_command
from .ps_parse import ParseError, parse
from .ps_values import (ErrorRecord, NotModelled, PSObject, PSRuntimeError, ScriptBlock, to_str, truthy)

SCRIPT_PATH_NOTE = "the script file Run Command writes (see ps_format.SCRIPT_PATH)"


class ScriptExit(Exception):
    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


class _Break(Exception):
    pass


class Engine(Expressions):
    def __init__(self, ctx):
        self.ctx = ctx
        self.script = None
        env = {k[4:]: v for k, v in ctx.variables.items() if k.startswith("env:")}
        self.vars = {"true": True, "false": False, "null": None, "lastexitcode": 0, "?": True,
                     "erroractionpreference": "Continue", "args": [], "error": [],
                     "psversiontable": PSObject({"PSVersion": "5.1.17763.6189", "PSEdition": "Desktop"})}
        self.env = {k.lower(): v for k, v in env.items()}
        self.host_out: list = []

    # -- variables -----------------------------------------------------------------------------------
    def get_var(self, text: str):
        name = text.lstrip("$").lower()
        if name.startswith("{") and name.endswith("}"):
            name = name[1:-1]
        for scope in ("script:", "global:", "local:"):
            if name.startswith(scope):
                name = name[len(scope):]
        if name.startswith("env:"):
            return self.env.get(name[4:])
        if name == "psitem":
            name = "_"
        return self.vars.get(name)

    def set_var(self, text: str, value):
        name = text.lstrip("$").lower()
        for scope in ("script:", "global:", "local:"):
            if name.startswith(scope):
                name = name[len(scope):]
        if name.startswith("env:"):
            self.env[name[4:]] = to_str(value)
        elif name == "null":
            return                          # $null = ...: the value is discarded
        elif name in ("true", "false"):
            raise PSRuntimeError(ErrorRecord(f"Cannot overwrite variable {name} because it is read-only or "
                                             f"constant.", "VariableNotWritable", "WriteError"))
        else:
            self.vars[name] = value

    # -- running a script ------------------------------------------------------------------------------
    def run(self, text: str, parameters: dict) -> int:
        from .ps_format import SCRIPT_PATH
        try:
            self.script = parse(text)
        except ParseError as exc:
            self.ctx.err.append(exc.render(SCRIPT_PATH).rstrip("\n"))
            return 1
        code = 0
        try:
            self._bind_parameters(parameters or {})
            for child in self.script.root.named_children:
                if child.type == "statement_list":
                    self.exec_statements(child, self.host_out)
        except ScriptExit as done:
            code = done.code
        except PSRuntimeError as exc:
            self._flush()
            self.ctx.err.append(render_error(exc.record).rstrip("\n"))
            code = 1
        except NotModelled as exc:
            self._flush()
            line = exc.line or "?"
            detail = exc.node_text.strip().splitlines()[0] if exc.node_text.strip() else ""
            message = (f"fakeazure: line {line}: {exc.what} is not modelled by the simulated guest; the script "
                       f"stops here: {detail}")
            self.ctx.unknown.append(f"line {line}: {exc.what}: {detail}")
            self.ctx.err.append(message)
            code = 1
        self._flush()
        return code

    def _flush(self):
        if self.host_out:
            text = format_default(self.host_out)
            del self.host_out[:]    # in place: the running statement list still appends to this list
            if text:
                self.ctx.out.append(text)

    def _bind_parameters(self, parameters: dict):
        block = next((c for c in self.script.root.named_children if c.type == "param_block"), None)
        given = {str(k).lstrip("-$").lower(): (k, v) for k, v in parameters.items()}
        if block is None:
            self.vars["args"] = [item for k, v in parameters.items() for item in ("-" + str(k), v)]
            return
        declared = {}
        plist = next((c for c in block.named_children if c.type == "parameter_list"), None)
        for param in (plist.named_children if plist is not None else []):
            if param.type != "script_parameter":
                continue
            var = next(c for c in param.named_children if c.type == "variable")
            name = self.script.text(var)[1:].lower()
            types = [self.script.text(t).strip("[]").lower() for t in param.named_children
                     if t.type == "attribute_list" for t in t.named_children if "(" not in self.script.text(t)]
            default = next((c for c in param.named_children if c.type == "script_parameter_default"), None)
            declared[name] = True
            if name in given:
                value = given[name][1]
                self.vars[name] = cast(types[0], value) if types else value
            elif default is not None:
                self.vars[name] = self.eval(default.named_children[-1])
            else:
                self.vars[name] = cast(types[0], None) if types and types[0] in ("string", "switch", "bool",
                                                                                  "int") else None
        unknown = [orig for key, (orig, _v) in given.items() if key not in declared]
        if unknown:
            raise PSRuntimeError(ErrorRecord(f"A parameter cannot be found that matches parameter name "
                                             f"'{unknown[0]}'.", "NamedParameterNotFound", "InvalidArgument",
                                             exception="ParameterBindingException"))

    # -- statements ------------------------------------------------------------------------------------
    def collect_statements(self, node) -> list:
        out: list = []
        self.exec_statements(node, out)
        return out

    def exec_statements(self, node, out: list):
        for child in node.named_children:
            if child.type in ("comment", "empty_statement"):
                continue
            if child.type == "statement_list":
                self.exec_statements(child, out)
                continue
            self.exec_statement(child, out)

    def exec_statement(self, node, out: list):
        kind = node.type
        if kind == "pipeline":
            out.extend(self.collect_pipeline(node))
        elif kind == "if_statement":
            self._if(node, out)
        elif kind == "foreach_statement":
            self._foreach(node, out)
        elif kind == "try_statement":
            self._try(node, out)
        elif kind == "flow_control_statement":
            self._flow(node, out)
        elif kind in ("statement_block", "script_block", "script_block_body"):
            self.exec_statements(self._body(node), out)
        else:
            raise NotModelled(f"the statement '{kind}'", self.script.text(node), self.script.line_of(node))

    def _body(self, node):
        for child in node.named_children:
            if child.type in ("statement_list", "script_block_body"):
                return self._body(child) if child.type == "script_block_body" else child
        return node

    def _if(self, node, out):
        cond = node.child_by_field_name("condition") or next(c for c in node.named_children if c.type == "pipeline")
        blocks = [c for c in node.named_children if c.type == "statement_block"]
        if truthy(_scalar(self.collect_pipeline(cond))):
            self.exec_statements(self._body(blocks[0]), out)
            return
        for clause in node.named_children:
            if clause.type == "elseif_clauses":
                for elif_ in clause.named_children:
                    elif_cond = next(c for c in elif_.named_children if c.type == "pipeline")
                    if truthy(_scalar(self.collect_pipeline(elif_cond))):
                        block = next(c for c in elif_.named_children if c.type == "statement_block")
                        self.exec_statements(self._body(block), out)
                        return
            if clause.type == "else_clause":
                block = next(c for c in clause.named_children if c.type == "statement_block")
                self.exec_statements(self._body(block), out)

    def _foreach(self, node, out):
        var = next(c for c in node.named_children if c.type == "variable")
        source = next(c for c in node.named_children if c.type == "pipeline")
        block = next(c for c in node.named_children if c.type == "statement_block")
        items = self.collect_pipeline(source)
        for item in items:
            self.set_var(self.script.text(var), item)
            try:
                self.exec_statements(self._body(block), out)
            except _Break:
                break

    def _try(self, node, out):
        block = next(c for c in node.named_children if c.type == "statement_block")
        catches = next((c for c in node.named_children if c.type == "catch_clauses"), None)
        final = next((c for c in node.named_children if c.type == "finally_clause"), None)
        try:
            self.exec_statements(self._body(block), out)
        except PSRuntimeError as exc:
            if catches is None:
                raise
            clause = catches.named_children[0]
            saved = self.vars.get("_")
            self.vars["_"] = exc.record
            try:
                handler = next(c for c in clause.named_children if c.type == "statement_block")
                self.exec_statements(self._body(handler), out)
            finally:
                self.vars["_"] = saved
        finally:
            if final is not None:
                block = next(c for c in final.named_children if c.type == "statement_block")
                self.exec_statements(self._body(block), out)

    def _flow(self, node, out):
        word = self.script.text(node.children[0]).lower()
        value_node = next((c for c in node.named_children if c.type == "pipeline"), None)
        value = _scalar(self.collect_pipeline(value_node)) if value_node is not None else None
        if word == "exit":
            out_code = int(value) if isinstance(value, (int, float)) or to_str(value).lstrip("-").isdigit() else 0
            raise ScriptExit(out_code)
        if word == "throw":
            if isinstance(value, ErrorRecord):
                raise PSRuntimeError(value)
            message = to_str(value) if value is not None else "ScriptHalted"
            raise PSRuntimeError(ErrorRecord(message, message, "OperationStopped", target=message + ":String",
                                             invocation=self.where(node)))
        if word == "break":
            raise _Break()
        raise NotModelled(f"the statement '{word}'", self.script.text(node), self.script.line_of(node))

    def where(self, node):
        line = self.script.line_of(node)
        text = self.script.line_text(line)
        width = len(self.script.text(node).split("\n")[0])
        return line, node.start_point[1] + 1, text, width

    # -- pipelines -------------------------------------------------------------------------------------
    def collect_pipeline(self, node) -> list:
        if node.type != "pipeline":
            value = self.eval(node)
            return value if isinstance(value, list) else ([] if value is None else [value])
        first = node.named_children[0] if node.named_children else None
        if first is None:
            return []
        if first.type == "assignment_expression":
            self._assign(first)
            return []
        elements = [c for c in first.named_children if c.type != "comment"]
        stream: list | None = None
        for index, element in enumerate(elements):
            if element.type == "command":
                stream = run_command(self, element, stream if index else None)
            else:
                value = self.eval(element)
                stream = value if isinstance(value, list) else ([] if value is None else [value])
        return stream or []

    def _assign(self, node):
        target = node.named_children[0]
        op = self.script.text(next(c for c in node.named_children if c.type == "assignement_operator")).strip()
        value_node = node.named_children[-1]
        value = self.statement_value(value_node)
        if op in ("+=", "-="):
            from .ps_expr import Expressions as _E  # noqa: F401  (same evaluator)
            current = self.eval(target)
            if op == "+=":
                value = (current + (value if isinstance(value, list) else [value])) if isinstance(current, list) \
                    else (to_str(current) + to_str(value) if isinstance(current, str) else
                          (current or 0) + (value or 0))
            else:
                value = (current or 0) - (value or 0)
        inner = _innermost(target)
        if inner.type == "variable":
            self.set_var(self.script.text(inner), value)
        elif inner.type == "member_access":
            owner = self.eval(inner.named_children[0])
            name = self.script.text(inner.named_children[-1])
            if not hasattr(owner, "__setitem__"):
                raise NotModelled("assigning a property of this object", self.script.text(node),
                                  self.script.line_of(node))
            owner[name] = value
        elif inner.type == "element_access":
            owner = self.eval(inner.named_children[0])
            owner[self.eval(inner.named_children[1])] = value
        else:
            raise NotModelled(f"assignment to '{inner.type}'", self.script.text(node), self.script.line_of(node))

    # -- errors ------------------------------------------------------------------------------------------
    def write_error(self, record: ErrorRecord, action: str | None = None):
        """A non-terminating error: stops with 'Stop', hides with 'SilentlyContinue', else prints and goes on."""
        self.vars["?"] = False
        self.vars["error"].insert(0, record)
        action = (action or to_str(self.vars.get("erroractionpreference")) or "Continue").lower()
        if action == "stop":
            raise PSRuntimeError(record)
        if action in ("silentlycontinue", "ignore"):
            return
        self._flush()
        self.ctx.err.append(render_error(record).rstrip("\n"))


def _innermost(node):
    while len(node.named_children) == 1 and node.type not in ("variable", "member_access", "element_access"):
        node = node.named_children[0]
    return node


def _scalar(items):
    items = list(items) if isinstance(items, list) else [items]
    if not items:
        return None
    return items[0] if len(items) == 1 else items


__all__ = ["Engine", "ScriptExit", "ScriptBlock"]
