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
  delete-vm, recreate-from-image, verify-boot, then recreate-extensions and restore-delete-options, the last
  step). ``ctx.memory`` holds what the run keeps in memory only: the captured model with the extension settings
  that hold a secret (never journaled).
- :mod:`.step`: the ``Step`` base class and what every step shares (``StepFailed``, the run's tags and names,
  the NIC-reservation wait, ``start``/``Started``: a long-running operation left in flight for the engine to
  wait for; a later step that touches none of its resources names its step in ``overlaps``).
- :mod:`.carry`: one table (``FIELDS``) sorts every property of the VM model into carried, carried differently,
  not carried (and why) or set by Azure; ``recreate_body``/``attach_body`` build the PUT bodies from it,
  ``not_carried(model)`` is the plan's ``notCarried``, ``not_restored`` what a rollback cannot give back.
  To carry a field, change its row.
- :mod:`.keep`: the deleteOptions (VM disks, NICs, and the public IPs through their NICs): Detach for the
  whole run, the original values put back last.
- :mod:`.rescue` (with :mod:`.rescue_plan`, :mod:`.rescue_read`, :mod:`.runcommand`, ``scripts/*.ps1``): the
  rescue path (article steps 5-12).
- :mod:`.tagged`: rollback when the journal file is gone, from the ``vmbootfix-run`` tag every resource of a run
  carries (a step that creates a resource tags it: ``step.RUN_TAG``/``ROLE_TAG``, ``step.tag_run_disk``
  for a disk Azure makes for a VM).
- :mod:`.preflight` and its ``preflight_*`` modules, :mod:`.findings`, :mod:`.actions`: the checks made before
  anything changes; every step class declares the RBAC ``actions``/``undo_actions`` it performs.

A step class declares ``name``, ``description``, ``article`` (the article's steps it performs, checked by a test
to cover 1-12 with :data:`.plan.NOT_AUTOMATED`), ``actions``/``undo_actions``, and implements ``plan(ctx)``
(what it reads, creates, changes and keeps, by name), ``done(ctx)`` (observe), ``apply(ctx)`` (idempotent,
returns outputs; may leave independent operations in flight with ``step.start``) and ``undo(ctx)``
(idempotent; outside ``apply`` nothing is left in flight). ``overlaps`` names the earlier steps whose operations
still in flight it need not wait for (bench/time_bench.py prints what that saves against the critical path).
"""
