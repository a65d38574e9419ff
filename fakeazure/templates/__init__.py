"""The template language of ARM deployments: the expression parser (:mod:`.expressions`), the function table
(:mod:`.functions`) and the evaluator of template values (:mod:`.evaluator`). Nothing here knows a resource
provider; the deployment resource that uses it is :mod:`fakeazure.resources.deployments`.

``uniqueString`` and ``guid`` are deterministic but not bit-identical to ARM's hashes.
"""
from .evaluator import Evaluator
from .expressions import DEFERRED, ExpressionError, is_expression, parse_expression, unique_string

__all__ = ["DEFERRED", "Evaluator", "ExpressionError", "is_expression", "parse_expression", "unique_string"]
