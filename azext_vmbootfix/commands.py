"""The command table, and nothing else."""
from azext_vmbootfix._format import transform_article


def load_command_table(self, _):
    with self.command_group("vm boot-fix", is_preview=True) as g:
        g.custom_command("article", "show_article", table_transformer=transform_article)
