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

    # Shared by the repair commands, declared once: the group, the VM, the password, --yes.
    with self.argument_context("vm boot-fix") as c:
        c.argument("resource_group_name", resource_group_name_type)
        c.argument("vm_name", vm_name_type, help="The name of the virtual machine to repair.")
        c.argument("admin_password", options_list=["--admin-password"],
                   help="The admin password of the recreated VM (generalized image) or, on the rescue path, of the "
                        "accounts the answer file sets; prompted for when omitted. Never written to the journal, "
                        "the plan or logs (--debug included); on the rescue path it reaches the VM only as a "
                        "protected Run Command parameter. Given as text on the command line it stays in your "
                        "shell history and in azure-cli's own --debug line of command arguments (written before "
                        "any extension code runs): prefer the prompt, or for unattended runs @- (read from "
                        "standard input) or @FILE, which azure-cli reads after that line.")
        c.argument("yes", options_list=["--yes", "-y"], action="store_true", help="Do not ask for confirmation.")
    with self.argument_context("vm boot-fix repair") as c:
        c.argument("keep_disks", options_list=["--keep-disks"], action="store_true",
                   help="Required by the recreate path: confirms that the VM is deleted and created again while its "
                        "OS disk, data disks and NICs are kept (the article's 'Keep the disks' step).")
        c.argument("image", options_list=["--image"],
                   help="The image to recreate the VM from (name or id). Default: the newest generalized image "
                        "captured from this VM that diagnose finds.")
        c.argument("admin_username", options_list=["--admin-username"],
                   help="Admin account of the recreated VM when the image is generalized; on the rescue path, the "
                        "local administrator the answer file creates. Default: the VM's own.")
        c.argument("rescue", options_list=["--rescue"], action="store_true",
                   help="Use the rescue path (article steps 5-12) even if an image exists: copy the OS disk, "
                        "finish OOBE on the copy from a rescue VM (an answer file written by Run Command, instead "
                        "of clicking through the wizard in a nested Hyper-V console), turn on the serial console, "
                        "and swap the copy in as the VM's OS disk. The VM itself is not deleted, so --keep-disks is "
                        "not needed. Used anyway when no image captured from the VM exists.")
        c.argument("method", options_list=["--method"], arg_type=get_enum_type(["answer-file", "nested"]),
                   help="How the rescue path finishes OOBE on the copy. answer-file (the default): an oobeSystem "
                        "answer file written offline by Run Command, unattended. nested: the article's own way, a "
                        "Hyper-V VM on the copy inside the rescue VM; you connect (Azure Bastion when the VM's "
                        "VNet has one, else RDP from --allow-cidr), finish the OOBE pages in Hyper-V Manager, "
                        "then run `resume`. Implies --rescue.")
        c.argument("allow_cidr", options_list=["--allow-cidr"],
                   help="With --method nested and no Azure Bastion in the VNet: the only IPv4 range (your public "
                        "address as a /32) that the rescue VM's public IP admits, for RDP (TCP 3389) only.")
        c.argument("dry_run", options_list=["--dry-run"], action="store_true",
                   help="Make the plan and save it beside the journals (its path is printed): each step, the "
                        "article steps it performs, what it reads, creates, changes and keeps, the names of the "
                        "resources the run creates, and what of the VM's model is not carried over. Change "
                        "nothing.")
        c.argument("plan_file", options_list=["--plan"],
                   help="Apply this saved plan (from --dry-run) exactly: its run id, resource names and parameters. "
                        "Refused if the VM changed since the plan was made.")
    with self.argument_context("vm boot-fix resume") as c:
        c.argument("admin_password", options_list=["--admin-password"],
                   help="Needed again when the VM is still to be recreated from a generalized image, or when the "
                        "rescue path has not yet written its answer file (the journal never holds it); prompted "
                        "for when omitted.")

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
        c.argument("watch", options_list=["--watch"], type=int, id_part=None,
                   help="Take a second screenshot this many seconds later (1-3600) to tell a stuck screen from a "
                        "slow one (a progress percentage that does not move), only when boot diagnostics "
                        "captured the screen again in between. 600 or more suits update screens.")
        c.argument("save_dir", options_list=["--save-dir"], id_part=None,
                   help="Keep the evidence: write the downloaded screenshot (<vm>.screenshot.bmp) and serial log "
                        "(<vm>.serialconsole.log) into this folder.")

    with self.argument_context("vm boot-fix scan") as c:
        c.argument("subscriptions", options_list=["--subscriptions"], nargs="+",
                   help="Space-separated subscription ids to scan. Default: every subscription the login can read "
                        "(Resource Graph's tenant scope).")
        c.argument("management_groups", options_list=["--management-groups", "-m"], nargs="+",
                   help="Space-separated management group ids to scan instead of subscriptions.")
        c.argument("resource_group_name", resource_group_name_type, required=False,
                   help="Scan only the resource groups of this name (in every scanned subscription).")
        c.argument("max_concurrency", options_list=["--max-concurrency"], type=int,
                   help="How many suspected VMs are diagnosed at once (1-64, default 8). Halved automatically "
                        "while Azure throttles (HTTP 429).")
        c.argument("deep", options_list=["--deep"], action="store_true",
                   help="Diagnose every running Windows VM, not only those whose guest agent never reported "
                        "the OS (slower: two ARM requests and one screenshot per VM).")
        c.argument("no_ocr", options_list=["--no-ocr"], action="store_true",
                   help="Do not read the screenshots (OCR); decide from the other signals only.")
