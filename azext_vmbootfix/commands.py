"""The command table, and nothing else. As azure-cli's ``vm`` module does, each group of commands points at the
module that implements it: ``custom.py`` for article/diagnose/scan, ``repair/cli.py`` for repair,
``repair/runs.py`` for resume, rollback and journal."""
from azure.cli.core.commands import CliCommandType

from azext_vmbootfix._format import transform_article, transform_diagnose, transform_repair, transform_scan

repair_custom = CliCommandType(operations_tmpl="azext_vmbootfix.repair.cli#{}")
runs_custom = CliCommandType(operations_tmpl="azext_vmbootfix.repair.runs#{}")


def load_command_table(self, _):
    with self.command_group("vm boot-fix", is_preview=True) as g:
        g.custom_command("article", "show_article", table_transformer=transform_article)
        g.custom_command("diagnose", "diagnose", table_transformer=transform_diagnose,
                         validator=_validate_diagnose())
        g.custom_command("scan", "scan", table_transformer=transform_scan, validator=_validate_scan())
    with self.command_group("vm boot-fix", custom_command_type=repair_custom, is_preview=True) as g:
        g.custom_command("repair", "repair", table_transformer=transform_repair)
    with self.command_group("vm boot-fix", custom_command_type=runs_custom, is_preview=True) as g:
        g.custom_command("resume", "resume", table_transformer=transform_repair)
        g.custom_command("rollback", "rollback", table_transformer=transform_repair)
        g.custom_command("journal", "show_journal", table_transformer=transform_repair)


def _validate_diagnose():
    from azext_vmbootfix._validators import validate_diagnose
    return validate_diagnose


def _validate_scan():
    from azext_vmbootfix._validators import validate_scan
    return validate_scan
