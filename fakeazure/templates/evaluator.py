"""Evaluating template values: parameters, variables and the function table (:mod:`.functions`)."""
from .expressions import DEFERRED, ExpressionError, get_member, is_expression, parse_expression
from .functions import FUNCTIONS


class Evaluator:
    """Evaluates template values for one deployment. ``reference`` is None while validating (then
    ``reference()`` yields :data:`DEFERRED` and records the template resource it names in ``referenced``)."""

    def __init__(self, parameters, variables, subscription, group, deployment_name, tenant_id=None,
                 resource_lookup=None, reference=None, location=None):
        self.parameters = parameters          # name -> value (already evaluated)
        self.raw_variables = variables or {}  # name -> raw value
        self.subscription = subscription
        self.group = group                    # {"name", "location", "id", "tags"}; None at subscription scope
        self.deployment_name = deployment_name
        self.location = location              # a subscription-scope deployment's location
        self.tenant_id = tenant_id
        self.resource_lookup = resource_lookup or (lambda key: None)  # name or id -> template resource id
        self.reference_fn = reference
        self.referenced = set()
        self._variables = {}
        self._evaluating = set()

    # -- values -----------------------------------------------------------------------------------
    def value(self, raw):
        """A template value with every expression in it evaluated (dict keys too)."""
        if isinstance(raw, str):
            if is_expression(raw):
                return self.expression(raw[1:-1])
            if raw.startswith("[["):
                return raw[1:]
            return raw
        if isinstance(raw, list):
            return [self.value(v) for v in raw]
        if isinstance(raw, dict):
            return {self.value(k) if isinstance(k, str) else k: self.value(v) for k, v in raw.items()}
        return raw

    def expression(self, text):
        return self.eval(parse_expression(text))

    def eval(self, node):
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "prop":
            return get_member(self.eval(node[1]), node[2])
        if kind == "index":
            obj, idx = self.eval(node[1]), self.eval(node[2])
            if obj is DEFERRED or idx is DEFERRED:
                return DEFERRED
            if isinstance(obj, list) and isinstance(idx, int) and not isinstance(idx, bool):
                if not -len(obj) <= idx < len(obj):
                    raise ExpressionError("The language expression property array index '{}' is out of "
                                          "bounds.".format(idx))
                return obj[idx]
            return get_member(obj, idx)
        name, args = node[1], node[2]
        low = name.lower()
        if low == "if":
            if len(args) != 3:
                raise ExpressionError("The template language function 'if' must have 3 arguments.")
            cond = self.eval(args[0])
            if cond is DEFERRED:
                return DEFERRED
            if not isinstance(cond, bool):
                raise ExpressionError("The template language function 'if' expects its first argument to be "
                                      "of type 'Boolean'.")
            return self.eval(args[1] if cond else args[2])
        fn = FUNCTIONS.get(low)
        if fn is None:
            raise ExpressionError("The template function '{}' is not valid. Please see "
                                  "https://aka.ms/arm-functions for usage details.".format(name))
        values = [self.eval(a) for a in args]
        if low != "reference" and any(v is DEFERRED for v in values):
            return DEFERRED
        return fn(self, *values)

    # -- lookups ----------------------------------------------------------------------------------
    def parameter(self, name):
        for k, v in self.parameters.items():
            if k.lower() == str(name).lower():
                return v
        raise ExpressionError("The template parameter '{}' is not found. Please see "
                              "https://aka.ms/arm-syntax-parameters for usage details.".format(name))

    def variable(self, name):
        key = next((k for k in self.raw_variables if k.lower() == str(name).lower()), None)
        if key is None:
            raise ExpressionError("The template variable '{}' is not found. Please see "
                                  "https://aka.ms/arm-syntax-variables for usage details.".format(name))
        if key not in self._variables:
            if key in self._evaluating:
                raise ExpressionError("The template variable '{}' refers to itself.".format(key))
            self._evaluating.add(key)
            try:
                self._variables[key] = self.value(self.raw_variables[key])
            finally:
                self._evaluating.discard(key)
        return self._variables[key]

