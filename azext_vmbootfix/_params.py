"""Arguments of every command: types, help and validators."""
from knack.arguments import CLIArgumentType


def load_arguments(self, _):
    from azure.cli.core.commands.parameters import get_enum_type, resource_group_name_type
    from azext_vmbootfix.article import FORMATS

    vm_name_type = CLIArgumentType(options_list=["--name", "-n"], metavar="NAME", id_part="name",
                                   help="The name of the virtual machine.")

    with self.argument_context("vm boot-fix article") as c:
        c.argument("vm_name", vm_name_type, id_part=None, required=False,
                   help="The name of the virtual machine the article is rendered for; it fills the "
                        "article's [vmname] placeholders. Not needed with --list.")
        c.argument("article_format", options_list=["--format"], arg_type=get_enum_type(FORMATS),
                   help="markdown keeps the article's markup; text strips HTML comments and markup.")
        c.argument("article_id", options_list=["--article-id"],
                   help="The self-help article id, e.g. OSStartUp-OOBE (the default). "
                        "`az vm boot-fix article --list` shows the known ids.")
        c.argument("list_articles", options_list=["--list"], action="store_true",
                   help="List the known article ids and titles instead of rendering one.")

    with self.argument_context("vm boot-fix diagnose") as c:
        c.argument("resource_group_name", resource_group_name_type, required=False,
                   help="Name of the VM's resource group. Not used with --screenshot-file.")
        c.argument("vm_name", vm_name_type, required=False,
                   help="The name of the virtual machine. With --screenshot-file it only names the VM in "
                        "the rendered article.")
        c.argument("screenshot_file", options_list=["--screenshot-file"], id_part=None,
                   help="Diagnose offline: a boot-diagnostics screenshot you downloaded (BMP, PNG or JPEG). "
                        "No Azure call and no login are needed.")
        c.argument("serial_log_file", options_list=["--serial-log-file"], id_part=None,
                   help="With --screenshot-file: the serial console log you downloaded.")
        c.argument("no_ocr", options_list=["--no-ocr"], action="store_true", id_part=None,
                   help="Do not read the screenshot (OCR); decide from the other signals only.")
        c.argument("save_dir", options_list=["--save-dir"], id_part=None,
                   help="Keep the evidence: write the downloaded screenshot (<vm>.screenshot.bmp) and serial log "
                        "(<vm>.serialconsole.log) into this folder.")
