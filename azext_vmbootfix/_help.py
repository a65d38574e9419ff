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
    text: az vm boot-fix article -n myVM --article-id OSStartUp-WINDOWS_COULD_NOT_COMPLETE_INSTALLATION --format text
  - name: List the articles this extension knows.
    text: az vm boot-fix article --list -o table
"""

helps["vm boot-fix diagnose"] = """
type: command
short-summary: Find out why a Windows VM does not boot, with the evidence behind the verdict.
long-summary: >
  Reads the VM's instance view (power, provisioning, OSState/generalized, guest agent), its boot
  diagnostics (screenshot read with Tesseract OCR when installed, serial log) and the images captured
  from it, then returns the boot error's article id (OSStartUp-OOBE for a VM stuck at OOBE after
  Sysprep), a confidence from 0 to 1, the evidence, the images that can restore it, the article
  rendered for the VM and the exact commands to run next: this extension's repair for OOBE, Azure's
  repair-script-library run id where one fixes the error, else the article. It knows the whole "VM boot
  error" family (stop codes, Boot Manager status codes, update, start-up and shutdown screens, Recovery,
  BitLocker, chkdsk, Safe Mode, GRUB) and reads screens in English, German, French, Spanish and Japanese.
  With --watch it takes a second screenshot later to tell stuck from slow. Exit status is 0 whenever the
  diagnosis ran, whatever it found. With --screenshot-file it classifies a downloaded screenshot offline.
examples:
  - name: Diagnose a VM.
    text: az vm boot-fix diagnose -g MyResourceGroup -n MyVm
  - name: A readable summary with the evidence.
    text: az vm boot-fix diagnose -g MyResourceGroup -n MyVm -o table
  - name: Diagnose VMs by resource id.
    text: az vm boot-fix diagnose --ids /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/MyResourceGroup/providers/Microsoft.Compute/virtualMachines/MyVm
  - name: Only the verdict and the next commands.
    text: >
      az vm boot-fix diagnose -g MyResourceGroup -n MyVm --query "{article: articleId, confidence: confidence, next: nextSteps}"
  - name: Classify a screenshot downloaded from the portal, offline.
    text: az vm boot-fix diagnose --screenshot-file MyVm.screenshot.bmp --serial-log-file MyVm.serialconsole.log
  - name: Decide without OCR (no Tesseract on this machine).
    text: az vm boot-fix diagnose -g MyResourceGroup -n MyVm --no-ocr
  - name: Stuck or just slow? Look again ten minutes later (a progress screen whose percentage does not move is stuck).
    text: az vm boot-fix diagnose -g MyResourceGroup -n MyVm --watch 600
  - name: Keep the screenshot and serial log that the diagnosis downloaded.
    text: az vm boot-fix diagnose -g MyResourceGroup -n MyVm --save-dir ./evidence
"""

helps["vm boot-fix repair"] = """
type: command
short-summary: Recreate a VM stuck at OOBE from the image captured from it, as a journaled, resumable plan.
long-summary: >
  The article's steps 1-4 as software: diagnose the VM; keep its OS disk, data disks, NICs and public IPs
  (deleteOption Detach for the whole run); snapshot the OS disk; delete the VM; create it again from the
  image with the same name carrying its whole model (size, NICs, data disks at their LUNs with their caching,
  zone, tags, availability set, proximity placement group, dedicated host, Spot settings, marketplace plan,
  licence type, managed identities, user data, security, boot diagnostics, Windows settings...); wait until
  Windows reports a Ready guest agent; create its extensions again; then put every deleteOption back as it
  was. What cannot be carried (a system-assigned identity's principal and its role assignments, extensions'
  protected settings, custom data) is listed under `notCarried` by --dry-run and in the result. Every
  step is written to a local journal before it runs, so a crash loses nothing: `resume` continues,
  `rollback` brings the original VM back from its own disks. Run it with --dry-run first.
  When no image captured from the VM exists, or with --rescue, it takes the rescue path (article
  steps 5-12) instead, and the VM is not deleted: snapshot and copy the OS disk; create a rescue VM
  (another Windows Server version than the broken disk, so the disk signatures do not collide; a
  nested-virtualization-capable size; its own NIC, no public IP, a throw-away password); attach the
  copy; by Run Command write an oobeSystem answer file (Windows\\Panther\\Unattend.xml) with the admin
  account you give, so OOBE finishes unattended at the next boot (the automated equivalent of
  finishing the wizard in a nested Hyper-V console, article step 6), and turn on EMS with the
  article's bcdedit commands so the serial console works; detach the copy, deallocate the VM, swap
  the copy in as its OS disk, start it, wait for a Ready agent, delete the rescue VM. The original
  OS disk and the snapshot are kept; `rollback` swaps the original OS disk back.
  The answer file is written only after the copy's offline hives were read (ImageState and
  SYSTEM\\Setup, decided with Learn's "Windows Setup States"): a disk that an answer file cannot finish
  (e.g. a specialize pass that never completed: "will never be deployable") is refused with the reason
  and what to do, before the copy changes. Its locales come from the disk's own hives, the control set
  from Select\\Current; an existing Setup\\UnattendFile is pointed at the run's answer file; the SYSTEM
  hive, an existing Unattend.xml and SetupComplete.cmd are backed up next to themselves
  (*.bootfix-<run>) first.
  With --method nested the rescue VM instead gets Hyper-V and a nested VM on the copy (security type
  Standard), the command prints how to connect (Azure Bastion when the VNet has one, else RDP to a
  public IP that admits --allow-cidr only; you sign in with the admin account and the password you
  typed, which is never stored) and stops at waiting-for-user; after you finish OOBE in Hyper-V
  Manager and shut the nested VM down, `resume` swaps the copy in and verifies the boot.
  Before anything changes, a pre-flight checks everything that would make the repair fail half-way and
  refuses with all of it at once, each with what to do: a Windows VM on managed disks (not ephemeral, not
  encrypted with Azure Disk Encryption, not in a scale set); an image of the VM's OS type, Hyper-V generation
  and security type (Trusted Launch needs a gallery image version); a marketplace plan's terms accepted; your
  permissions for every ARM action of the plan; no lock on the subscription, group or VM in the way; no Azure
  Policy denying what it creates; the recreated or rescue VM's size offered in the region and zone, and vCPU
  quota left. --dry-run shows these findings (`preflight`) without refusing, except for a VM no plan fits
  (not Windows, unmanaged or ephemeral OS disk, Azure Disk Encryption, a scale-set instance).
  The plan is a saved object: --dry-run writes it beside the journals and prints its path (run id, every
  step with the article steps it performs and what it reads, creates, changes and keeps, the names of the
  resources the run will create, and every field of the VM's model the run does not carry over, with why);
  `repair --plan FILE` applies exactly that plan, and refuses if the VM changed since. Without --plan the
  plan is made and applied in one go. Every resource the run creates is tagged vmbootfix-run=<run id>.
  Secrets in the VM's model (a SAS URL or key in extension settings) are redacted in the plan and the journal,
  which list what was redacted; the repair goes on.
examples:
  - name: Save the plan without changing anything (the output names the plan file).
    text: az vm boot-fix repair -g MyResourceGroup -n MyVm --keep-disks --dry-run -o table
  - name: Apply exactly the saved plan (refused if the VM changed since it was made).
    text: az vm boot-fix repair -g MyResourceGroup -n MyVm --keep-disks --plan myvm.plan-1a2b3c4d.json
  - name: What of the VM's model the recreated VM will not have, and why.
    text: az vm boot-fix repair -g MyResourceGroup -n MyVm --keep-disks --dry-run --query "plan.notCarried"
  - name: Only the pre-flight checks that did not pass, and what to do about them.
    text: >
      az vm boot-fix repair -g MyResourceGroup -n MyVm --keep-disks --dry-run --query "preflight[?status!='passed']"
  - name: Repair, answering the confirmation and password prompts.
    text: az vm boot-fix repair -g MyResourceGroup -n MyVm --keep-disks
  - name: Repair unattended from a given image; the password read from standard input (@-), so that no log line holds it, --debug included.
    text: printf '%s' "$ADMIN_PASSWORD" | az vm boot-fix repair -g MyResourceGroup -n MyVm --keep-disks --image MyVmImage --admin-username azureadmin --admin-password @- --yes
  - name: See the rescue path's plan (rescue VM size and image, every step).
    text: az vm boot-fix repair -g MyResourceGroup -n MyVm --rescue --dry-run
  - name: Repair with the rescue path, unattended (after a recreate that did not boot was rolled back).
    text: printf '%s' "$ADMIN_PASSWORD" | az vm boot-fix repair -g MyResourceGroup -n MyVm --rescue --admin-username azureadmin --admin-password @- --yes
  - name: Finish OOBE yourself in a nested Hyper-V VM, reached by RDP from your address only (then `resume`).
    text: az vm boot-fix repair -g MyResourceGroup -n MyVm --rescue --method nested --allow-cidr 203.0.113.7/32 --admin-username azureadmin
"""

helps["vm boot-fix resume"] = """
type: command
short-summary: Continue a repair from its journal after a failure or an interruption.
long-summary: >
  Each remaining step first checks whether its effect is already there, then does only what is missing.
  First a pre-flight checks that nothing blocks the remaining steps (your permissions, locks, Azure Policy,
  the rescue VM's size and quota) and refuses, changing nothing, if something does.
  A repair with --method nested that waits for you (status waiting-for-user) continues once you have
  finished OOBE in the nested Hyper-V VM and shut it down: the copy is released, swapped in and verified.
examples:
  - name: Continue the repair of MyVm (also after finishing OOBE in the nested VM of --method nested).
    text: az vm boot-fix resume -g MyResourceGroup -n MyVm
"""

helps["vm boot-fix rollback"] = """
type: command
short-summary: Undo a repair and bring the original VM back from its own disks and NICs.
long-summary: >
  Undoes the started steps newest first: deletes the VM the repair created (and its new OS disk),
  re-creates the original VM from its OS disk, data disks and NICs, and puts it back in its power and
  generalize state. After the rescue path it swaps the original OS disk back, restores the power
  state, and deletes the rescue VM (with its OS disk and NIC) and the fixed copy. The OS disk backup
  snapshot is kept. First a pre-flight checks your permissions and the locks against what the undos do,
  and refuses, changing nothing, if something is in the way. When the journal file is gone, the rollback
  works from the vmbootfix-run tags every resource of the run carries, and says what it could not restore.
examples:
  - name: Roll back the repair of MyVm.
    text: az vm boot-fix rollback -g MyResourceGroup -n MyVm --yes
"""

helps["vm boot-fix journal"] = """
type: command
short-summary: Show the journal of a VM's repair (plan, step states with their article steps, events).
long-summary: >
  The table has one row per step: its number, name, the article steps it performs, its state and its error.
  The JSON also lists what was redacted from the journal (path and kind of each secret, never its value).
examples:
  - name: Show the state of each step.
    text: az vm boot-fix journal -g MyResourceGroup -n MyVm -o table
"""

helps["vm boot-fix scan"] = """
type: command
short-summary: Find every VM stuck at boot across subscriptions, through Azure Resource Graph.
long-summary: >
  One Resource Graph query lists every VM in scope (power state, OS disk, security type, what the guest
  agent reported, tags) with the images and gallery versions captured from each. Per subscription one
  Compute list with statusOnly=true adds the real-time power state, OSState/generalized and failed
  provisioning. A VM is then diagnosed (the evidence of `az vm boot-fix diagnose`: instance view, guest
  agent, one boot screenshot and the serial log) when it was generalized through the API, its provisioning
  failed, or it runs Windows whose guest agent never reported the OS; --deep diagnoses every running
  Windows VM. Candidates are diagnosed concurrently, fewer at a time while Azure throttles. The output is
  one row per VM with its verdict, article id, confidence and the next command (`-o table`: most severe
  first), and a summary of the counts by verdict and the requests made; the counts are also printed to
  stderr.
examples:
  - name: Scan every subscription the login can read, most severe first.
    text: az vm boot-fix scan -o table
  - name: Scan two subscriptions.
    text: az vm boot-fix scan --subscriptions 00000000-0000-0000-0000-000000000000 11111111-1111-1111-1111-111111111111 -o table
  - name: Scan one resource group name, without OCR.
    text: az vm boot-fix scan -g MyResourceGroup --no-ocr -o table
  - name: Only the VMs stuck at OOBE, with the command to run next.
    text: >
      az vm boot-fix scan --query "vms[?verdict=='running-at-oobe'].{vm: name, group: resourceGroup, next: next}"
  - name: The counts by verdict and the requests the scan made.
    text: az vm boot-fix scan --query summary
  - name: Diagnose every running Windows VM, eight at a time.
    text: az vm boot-fix scan --deep --max-concurrency 8 -o table
"""
