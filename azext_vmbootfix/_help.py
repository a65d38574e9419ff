"""Help for every command and group, with examples that run as written."""
from knack.help_files import helps  # pylint: disable=unused-import

helps["vm boot-fix"] = """
type: group
short-summary: Find and fix Windows virtual machines that cannot boot.
long-summary: >
  Diagnoses a VM from Azure's own signals (instance view, guest agent, boot diagnostics) and repairs
  known boot errors, starting with a Windows VM stuck at the Out-of-Box Experience (OOBE) after a
  failed or wrong Sysprep generalize.
"""

helps["vm boot-fix article"] = """
type: command
short-summary: Render the self-help article for a boot error, filled in for a VM.
long-summary: >
  Prints the article Azure shows for the boot error (by default OSStartUp-OOBE, a VM waiting for
  user input at OOBE after Sysprep), with the VM's name in place of [vmname]. No Azure call is made.
examples:
  - name: Render the OOBE article for myVM as Markdown.
    text: az vm boot-fix article -n myVM
  - name: Print the article as plain text.
    text: az vm boot-fix article -n myVM --format text --query content -o tsv
  - name: Render a sibling boot-error article.
    text: az vm boot-fix article -n myVM --article-id OSStartUp-OOBE --format text
  - name: List the articles this extension knows.
    text: az vm boot-fix article -n myVM --list -o table
"""
