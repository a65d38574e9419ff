"""The URL tables of the providers, compiled into one router.

A provider's ``urls.py`` holds a list of ``(method, template, resource_type, ResponseClass, 'handler')``.
Templates use ``{name}`` placeholders for one path segment. Matching is case-insensitive, as ARM's is
(the CLI sends ``resourcegroups`` and ``resourceGroups`` alike).
"""
import re

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class Route:
    def __init__(self, method, template, resource_type, response_cls, handler):
        self.method = method.upper()
        self.template = template
        self.resource_type = resource_type
        self.response_cls = response_cls
        self.handler = handler
        pattern = _PLACEHOLDER.sub(lambda m: "(?P<{}>[^/]+)".format(m.group(1)), re.escape(template)
                                   .replace(r"\{", "{").replace(r"\}", "}"))
        self.regex = re.compile("^" + pattern + "/?$", re.IGNORECASE)

    def __repr__(self):
        return "<Route {} {}>".format(self.method, self.template)


class Router:
    def __init__(self):
        self.routes = []

    def add_table(self, table):
        for entry in table:
            self.routes.append(Route(*entry))

    def match(self, method, path):
        """Return (route, params) for the request; (None, allowed_methods) when only the method is wrong;
        (None, None) when no route has the path."""
        allowed = []
        for route in self.routes:
            m = route.regex.match(path)
            if not m:
                continue
            if route.method == method.upper():
                return route, m.groupdict()
            allowed.append(route.method)
        return None, (allowed or None)


def resource_routes(collection, item, resource_type, response_cls, verbs=("GET", "PUT", "DELETE"),
                    subscription_collection=None):
    """The routes of one resource type: ``verbs`` on ``item`` (handlers ``get``/``put``/``put``/``delete`` for
    GET/PUT/PATCH/DELETE), ``list`` on ``collection`` and ``list_all`` on ``subscription_collection``."""
    handlers = {"GET": "get", "PUT": "put", "PATCH": "put", "DELETE": "delete"}
    routes = [(verb, item, resource_type, response_cls, handlers[verb]) for verb in verbs]
    routes.append(("GET", collection, resource_type, response_cls, "list"))
    if subscription_collection:
        routes.append(("GET", subscription_collection, resource_type, response_cls, "list_all"))
    return routes
