"""Self-help articles: parse, fill in for a VM, render as Markdown or plain text.

Articles are Markdown files in ``articles/`` named ``<articleId>.md``, in the format of Azure's portal
self-help content: a ``<properties ... />`` header (articleId, pageTitle, description, ...) followed by
Markdown whose ``<!--$vmname-->[vmname]<!--/$vmname-->`` placeholders name the VM.
"""
import html
import os
import re

ARTICLES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "articles")
DEFAULT_ARTICLE = "OSStartUp-OOBE"
FORMATS = ("markdown", "text")

_PROPERTIES = re.compile(r"<properties\b(?P<attrs>.*?)/>\s*", re.DOTALL | re.IGNORECASE)
_ATTR = re.compile(r'(\w+)\s*=\s*"([^"]*)"')
_PLACEHOLDER = re.compile(r"<!--\$(?P<name>\w+)-->.*?<!--/\$(?P=name)-->", re.DOTALL)
_BARE_PLACEHOLDER = re.compile(r"\[(?P<name>vmname)\]")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"(\*\*|__)(.+?)\1")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


class ArticleError(ValueError):
    pass


def _path(article_id):
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", article_id or ""):
        raise ArticleError("'{}' is not an article id. Known articles: {}.".format(article_id,
                                                                               ", ".join(known_ids())))
    for known in known_ids():  # ids are matched case-insensitively, as the portal's are
        if known.lower() == article_id.lower():
            return os.path.join(ARTICLES_DIR, known + ".md")
    from azext_vmbootfix.catalog import canonical_id
    canonical = canonical_id(article_id)  # another id of the same screen in Azure's family (an alias)
    return os.path.join(ARTICLES_DIR, (canonical or article_id) + ".md")


def known_ids():
    return sorted(f[:-3] for f in os.listdir(ARTICLES_DIR) if f.endswith(".md"))


def parse(source):
    """Split an article into (metadata dict, body). Metadata keys are the header's attribute names."""
    m = _PROPERTIES.search(source)
    if not m:
        return {}, source
    meta = {k: html.unescape(v) for k, v in _ATTR.findall(m.group("attrs"))}
    return meta, source[:m.start()] + source[m.end():]


def load(article_id):
    path = _path(article_id)
    if not os.path.exists(path):
        raise ArticleError("No article '{}'. Known articles: {}.".format(article_id, ", ".join(known_ids())))
    with open(path, encoding="utf-8") as fh:
        return parse(fh.read())


def fill(body, values):
    """Replace the ``<!--$name-->...<!--/$name-->`` placeholders (and bare ``[vmname]``) with values."""
    def sub(m):
        name = m.group("name")
        return values.get(name, m.group(0))
    body = _PLACEHOLDER.sub(sub, body)
    return _BARE_PLACEHOLDER.sub(lambda m: values.get(m.group("name"), m.group(0)), body)


def to_text(markdown):
    """Plain text: HTML comments and inline markup stripped, links as 'text (url)'."""
    text = _COMMENT.sub("", markdown)
    text = re.sub(r"<br\s*/?>\s*$", "", text, flags=re.IGNORECASE | re.MULTILINE)  # a line break at a line end
    text = _BR.sub("\n", text)
    text = re.sub(r"^\s*```\w*\s*$\n?", "", text, flags=re.MULTILINE)  # code fences
    text = re.sub(r"`([^`\n]+)`", r"\1", text)
    text = _LINK.sub(lambda m: "{} ({})".format(m.group(1), m.group(2)), text)
    text = _BOLD.sub(lambda m: m.group(2), text)
    lines = []
    for line in text.splitlines():
        stripped = line.rstrip()
        heading = re.match(r"^\s*#{1,6}\s+(.*)$", stripped)
        if heading:
            stripped = heading.group(1).strip()
        lines.append(stripped)
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"


def render(article_id, vm_name, article_format="markdown"):
    """The article for ``vm_name`` as a dict: articleId, title, description, vmName, format, content."""
    article_format = str(article_format)  # azure-cli may hand over its default-value wrapper
    if article_format not in FORMATS:
        raise ArticleError("format must be one of: {}".format(", ".join(FORMATS)))
    if not vm_name:
        raise ArticleError("a VM name is needed to fill the article")
    meta, body = load(article_id)
    content = fill(body, {"vmname": vm_name}).strip() + "\n"
    if article_format == "text":
        content = to_text(content)
    return {"articleId": meta.get("articleId", article_id), "title": meta.get("pageTitle", ""),
            "description": meta.get("description", ""), "vmName": vm_name, "format": article_format,
            "content": content}


def catalog():
    out = []
    for article_id in known_ids():
        meta, _ = load(article_id)
        out.append({"articleId": meta.get("articleId", article_id), "title": meta.get("pageTitle", ""),
                    "description": meta.get("description", "")})
    return out
