"""Table transformers for ``-o table``."""
from collections import OrderedDict


def transform_article(result):
    if isinstance(result, list):
        return [OrderedDict([("ArticleId", r["articleId"]), ("Title", r["title"])]) for r in result]
    return OrderedDict([("ArticleId", result["articleId"]), ("Title", result["title"]),
                        ("VM", result["vmName"]), ("Format", result["format"])])
