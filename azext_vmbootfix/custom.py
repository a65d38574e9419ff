"""Command handlers: short functions that read like the command's help. Logic lives in the modules."""


def show_article(vm_name, article_format="markdown", article_id=None, list_articles=False):
    from azext_vmbootfix import article
    if list_articles:
        return article.catalog()
    return article.render(article_id or article.DEFAULT_ARTICLE, vm_name, article_format)
