"""The repair engine and its plans (``az vm boot-fix repair/resume/rollback/journal``).

How the package is built, for whoever adds to it:

- :mod:`.cli`: the ``repair`` command (the command table points here): plan, pre-flight, then ``--dry-run``
  saves the plan, ``--plan FILE`` applies a saved one, otherwise the new plan is applied at once. It also holds
  the small helpers the commands share (clients, prompts, the error mapping).
- :mod:`.runs`: ``resume``, ``rollback`` and ``journal``, the commands on a run that exists.
- :mod:`.plan`: the plan as a saved object: its file (``<vm>.plan-<run8>.json`` beside the journal), the VM
  model it records and the comparison that refuses a changed VM, the VM facts a run keeps (``FACT_KEYS``: one
  shape for a new run and a resume), and the article table (``ARTICLE_STEPS``, ``NOT_AUTOMATED``).
- :mod:`.engine`: ``new_plan`` (run id drawn once, at planning), ``journal_from_plan``, ``describe``, ``apply``,
  ``rollback``. **Only the engine writes the journal**: a step's ``apply`` returns its outputs (``original``, the
  VM model, is kept at the journal's top level); a value that must survive the step's failure goes in
  ``ctx.step_outputs``. Outputs are scrubbed of secrets (redact.scrub) and what was replaced is listed under
  the journal's ``redacted``.
- :mod:`.journal`: the write-ahead journal; every failure to read or write it is a ``JournalError`` naming the
  file (the commands turn it into a FileOperationError).
- :mod:`.recreate`: the recreate path (article steps 1-4: record-original, keep-disks-and-nics, backup-os-disk,
  delete-vm, recreate-from-image, verify-boot), the ``Step`` base class and helpers steps share.
- :mod:`.carry`: ``not_carried(model)``, the VM model fields the recreate does not carry over, with why (the
  plan's ``notCarried``): whoever makes ``recreate._vm_body`` carry more adds the field to ``_CARRIED``.
- :mod:`.rescue` (with :mod:`.rescue_plan`, :mod:`.rescue_read`, :mod:`.runcommand`, ``scripts/*.ps1``): the
  rescue path (article steps 5-12).
- :mod:`.tagged`: rollback when the journal file is gone, from the ``vmbootfix-run`` tag every resource of a run
  carries (a step that creates a resource tags it: ``recreate.RUN_TAG``/``ROLE_TAG``, ``recreate.tag_run_disk``
  for a disk Azure makes for a VM).
- :mod:`.preflight` and its ``preflight_*`` modules, :mod:`.findings`, :mod:`.actions`: the checks made before
  anything changes; every step class declares the RBAC ``actions``/``undo_actions`` it performs.

A step class declares ``name``, ``description``, ``article`` (the article's steps it performs, checked by a test
to cover 1-12 with :data:`.plan.NOT_AUTOMATED`), ``actions``/``undo_actions``, and implements ``plan(ctx)``
(what it reads, creates, changes and keeps, by name), ``done(ctx)`` (observe), ``apply(ctx)`` (idempotent,
returns outputs) and ``undo(ctx)`` (idempotent).
"""
