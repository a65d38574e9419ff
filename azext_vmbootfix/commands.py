"""The command table, and nothing else."""
from azext_vmbootfix._format import transform_article, transform_diagnose


def load_command_table(self, _):
    with self.command_group("vm boot-fix", is_preview=True) as g:
        g.custom_command("article", "show_article", table_transformer=transform_article)
        g.custom_command("diagnose", "diagnose", table_transformer=transform_diagnose,
                         validator=_validate_diagnose())


def _validate_diagnose():
    from azext_vmbootfix._validators import validate_diagnose
    return validate_diagnose
