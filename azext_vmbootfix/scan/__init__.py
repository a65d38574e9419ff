"""``az vm boot-fix scan``: every VM a caller can see, one Resource Graph query, then ``diagnose`` for the few
that look stuck.

How the work is split (each part is one module):

* :mod:`.query` -- the KQL the scan sends (a readable constant): Windows and Linux VMs with power state, OS
  disk, security type, the guest-reported OS name and tags, joined with the managed images and gallery image
  versions that link to each VM (by the VM itself, its OS disk, or a snapshot of it).
* :mod:`.graph` -- runs it through ``azure-mgmt-resourcegraph``: pages of at most 1,000 rows by
  ``$skipToken``, ``resultTruncated`` honoured, the quota headers read after every page.
* :mod:`.candidates` -- which VMs get the expensive evidence (see "Which cheap signal" below).
* :mod:`.throttle` -- bounded concurrency that halves itself and pauses on 429, honouring ``Retry-After``
  and Resource Graph's ``x-ms-user-quota-remaining`` / ``x-ms-user-quota-resets-after`` (hh:mm:ss); it also
  counts the requests by kind.
* :mod:`.probe` -- one candidate's ``diagnose`` evidence (``evidence.collect`` without the image listing:
  the images come from the query) and verdict (``diagnose.verdict_for_vm``), slimmed to a row.
* :mod:`.rows` -- the row shape, the severity order and the summary.
* :mod:`.runner` -- the whole scan, with the CLI's progress controller.

Which cheap signal finds the candidates (settled from public sources before building on it)
-------------------------------------------------------------------------------------------
* Resource Graph's VM rows carry ``properties.extended.instanceView.powerState`` and three fields the guest
  agent reports: ``osName``, ``osVersion``, ``computerName`` (Learn, "Azure Resource Graph fields that have
  slower update times", ms.date 12/11/2024: they "converge to true values over time"). They carry **no**
  guest-agent status (``vmAgent``).
* ``GET /subscriptions/{s}/providers/Microsoft.Compute/virtualMachines?statusOnly=true`` "enables fetching run
  time status of all Virtual Machines in the subscription" (azure-rest-api-specs ComputeRP
  ``VirtualMachines_ListAll``; Learn REST reference). Every public consumer found (Azure SDK users, portal
  tools, monitoring agents) reads only ``properties.instanceView.statuses`` from it -- provisioning and power
  state -- and Learn's agent guidance (MicrosoftDocs/azure-docs#53186, #78865) says the agent status needs
  the per-VM instance view. Nothing public shows ``vmAgent`` in the statusOnly list, so the scan does not
  rely on it: the agent status stays a per-candidate signal (``GET ...?$expand=instanceView``).
* ``$expand=instanceView`` on the subscription list is only accepted with a scale-set ``$filter`` (same spec).

So the scan uses, per subscription, one statusOnly list (real time: Resource Graph's power state lags; paged
as Azure pages it, at most 50 VMs of each region a page; read as JSON, not as SDK models) for the power
state, ``OSState/generalized`` and a failed provisioning, and Resource Graph's agent-reported
``osName`` as the sign that Windows got past setup: a running Windows VM whose agent never reported its OS
is a candidate. ``--deep`` makes every running Windows VM a candidate. The scan never waits for a second
screenshot: one capture per candidate, and none with ``--no-ocr`` (nothing would read it).

Memory (``bench/scan_memory.py`` shows it by phase): a subscription's statuses are a short key and a shared
tuple per VM, each dropped when its Resource Graph row is read; Resource Graph pages are read one at a
time; a row holds only what is printed, with the texts that repeat shared; screenshots are downloaded
inside the OCR slots. What still grows with the fleet is the rows and az's own serialisation of them.
"""
