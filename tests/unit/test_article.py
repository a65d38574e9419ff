"""Article rendering: placeholders filled, header parsed, comments stripped in text form."""
import re

import pytest

from azext_vmbootfix import article


def test_oobe_article_markdown_fills_every_placeholder():
    out = article.render("OSStartUp-OOBE", "web01")
    assert out["articleId"] == "OSStartUp-OOBE"
    assert out["title"] == "VM boot error"
    assert out["description"] == "Virtual machine failed as it is expecting 'user inputs' on the console screen"
    assert "[vmname]" not in out["content"]
    assert "<!--$vmname-->" not in out["content"]
    assert out["content"].count("web01") == 2
    assert "<properties" not in out["content"]
    assert "bcdedit /store <drive letter>:\\boot\\bcd /emssettings EMSPORT:1 EMSBAUDRATE:115200" in out["content"]
    assert out["content"].startswith("# VM boot error")


def test_oobe_article_text_strips_comments_and_markup():
    out = article.render("OSStartUp-OOBE", "sql-vm-7", "text")
    text = out["content"]
    assert "<!--" not in text and "**" not in text and "<br>" not in text
    assert "Boot error found for your virtual machine sql-vm-7:" in text
    assert "Create a VM from a managed  image. (https://docs.microsoft.com/azure/virtual-machines/windows/" \
           "create-vm-generalized-managed" in text
    # all 12 numbered steps survive
    assert [int(n) for n in re.findall(r"^\s*(\d+)\. ", text, re.M)] == list(range(1, 13))


def test_parse_header_attributes():
    meta, body = article.parse('<properties\n a="1"\n articleId="X-Y"\n/>\n# T\n')
    assert meta == {"a": "1", "articleId": "X-Y"}
    assert body == "# T\n"


def test_unknown_article_and_bad_ids_are_refused():
    with pytest.raises(article.ArticleError, match="Known articles"):
        article.render("OSStartUp-NOPE", "vm")
    with pytest.raises(article.ArticleError):
        article.render("../../etc/passwd", "vm")
    with pytest.raises(article.ArticleError):
        article.render("OSStartUp-OOBE", "vm", "html")


def test_catalog_lists_the_oobe_article():
    ids = [a["articleId"] for a in article.catalog()]
    assert "OSStartUp-OOBE" in ids
    assert ids == sorted(ids)
