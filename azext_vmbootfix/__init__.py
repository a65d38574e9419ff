"""vmbootfix: ``az vm boot-fix`` finds and fixes Windows VMs that cannot boot.

Loading stays cheap (``az vm -h`` must not pay for us): nothing heavy is imported here; SDK models,
imaging and OCR are imported inside the commands that need them.
"""
from azure.cli.core import AzCommandsLoader

from azext_vmbootfix._help import helps  # pylint: disable=unused-import


class VmBootFixCommandsLoader(AzCommandsLoader):

    def __init__(self, cli_ctx=None):
        from azure.cli.core.commands import CliCommandType
        from azext_vmbootfix.redact import install
        install()  # no password, protected parameter or SAS signature in any later log line (redact.py)
        custom_type = CliCommandType(operations_tmpl="azext_vmbootfix.custom#{}")
        super().__init__(cli_ctx=cli_ctx, custom_command_type=custom_type)

    def load_command_table(self, args):
        from azext_vmbootfix.commands import load_command_table
        load_command_table(self, args)
        return self.command_table

    def load_arguments(self, command):
        from azext_vmbootfix._params import load_arguments
        load_arguments(self, command)


COMMAND_LOADER_CLS = VmBootFixCommandsLoader
