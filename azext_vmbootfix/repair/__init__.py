"""The repair engine and its plans (``az vm boot-fix repair/resume/rollback/journal``).

- :mod:`.engine`: the plan/apply engine (Terraform's shape) and the step context.
- :mod:`.journal`: the write-ahead journal.
- :mod:`.recreate`: the recreate plan (article steps 1-4) and the helpers steps share.
- :mod:`.rescue`: the rescue plan (article steps 5-12).
- :mod:`.cli`: what the command handlers in ``custom.py`` call.
"""
