"""Arguments of every command: types, help and validators."""
from knack.arguments import CLIArgumentType


def load_arguments(self, _):
    from azure.cli.core.commands.parameters import get_enum_type
    from azext_vmbootfix.article import FORMATS

    vm_name_type = CLIArgumentType(options_list=["--name", "-n"], metavar="NAME",
                                   help="The name of the virtual machine.")

    with self.argument_context("vm boot-fix article") as c:
        c.argument("vm_name", vm_name_type,
                   help="The name of the virtual machine the article is rendered for; it fills the "
                        "article's [vmname] placeholders. No Azure call is made.")
        c.argument("article_format", options_list=["--format"], arg_type=get_enum_type(FORMATS),
                   help="markdown keeps the article's markup; text strips HTML comments and markup.")
        c.argument("article_id", options_list=["--article-id"],
                   help="The self-help article id, e.g. OSStartUp-OOBE (the default). "
                        "`az vm boot-fix article --list` shows the known ids.")
        c.argument("list_articles", options_list=["--list"], action="store_true",
                   help="List the known article ids and titles instead of rendering one.")
