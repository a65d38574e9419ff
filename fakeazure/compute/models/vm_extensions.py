"""VM extensions (``VirtualMachineExtensions_*``: ``az vm extension set/show/list/delete``).

Shapes (shared/fidelity vm-create.yaml, vm-power-lro.yaml, vm-get.yaml): PUT answers 201 (create) or 200
(update) with the body in ``Creating``/``Updating``, ``Azure-AsyncOperation`` and ``Azure-AsyncNotification``
and no ``Location``; PATCH answers 200 ``Updating``; DELETE 202 with both headers. The VM's body lists its
extensions under ``resources``; its instance view has ``extensions`` (name, ``Publisher.Type``, the full handler
version, ``Provisioning succeeded``) and ``vmAgent.extensionHandlers``. ``protectedSettings`` are kept and
never returned.

Refusals: a VM that is not running: 409 OperationNotAllowed "Cannot modify extensions in the VM when the VM is
not running." (seen: hashicorp/terraform-provider-azurerm#477, microsoft/AzureTRE#2138); an extension whose
publisher and type the marketplace does not have, or a VM whose guest agent is not Ready, lets the operation
fail (``VMExtensionProvisioningError``, ``VMAgentStatusCommunicationError``; the first wording not verified).
"""
from ...core import ids
from ...core.backend import Write
from .. import exceptions
from . import marketplace
from .base import NS, ComputeResource

NOT_RUNNING = "Cannot modify extensions in the VM when the VM is not running."
_WRITABLE = ("publisher", "type", "typeHandlerVersion", "autoUpgradeMinorVersion", "enableAutomaticUpgrade",
             "forceUpdateTag", "settings", "suppressFailures", "provisionAfterExtensions")


class VmExtension(ComputeResource):
    resource_type = "virtualMachines/extensions"

    def __init__(self, backend, vm, name, location, tags=None):
        super().__init__(backend, vm.subscription_id, vm.resource_group, name, location, tags)
        self.vm_name = vm.name
        self.props = {}
        self.protected_settings = None  # kept for the handler, never in a body

    @property
    def id(self):
        return ids.resource_id(self.subscription_id, self.resource_group, NS, "virtualMachines", self.vm_name,
                               "extensions", self.name)

    def apply(self, body, patch):
        props = body.get("properties") or {}
        if not patch:
            self.props = {}
            self.tags = dict(body.get("tags") or {})
        elif "tags" in body:
            self.tags = dict(body["tags"] or {})
        self.props.update((k, props[k]) for k in _WRITABLE if k in props)
        if "protectedSettings" in props:
            self.protected_settings = props["protectedSettings"]

    def handler_version(self):
        """The version the agent runs: the newest published one of the major.minor asked for."""
        wanted = str(self.props.get("typeHandlerVersion") or "")
        latest = marketplace.extension_latest(self.props.get("publisher"), self.props.get("type"))
        versions = marketplace.extension_versions(self.props.get("publisher"), self.props.get("type"))
        matching = [v for v in versions if v == wanted or v.startswith(wanted + ".")]
        if matching:
            return max(matching, key=marketplace.version_key)
        return wanted or (latest[2] if latest else "")

    def generic(self):
        body = super().generic()
        body["name"] = "{}/{}".format(self.vm_name, self.name)  # a child in ARM's generic list: 'vm1/ext1'
        return body

    def to_json(self):
        props = {k: self.props[k] for k in ("autoUpgradeMinorVersion", "enableAutomaticUpgrade", "forceUpdateTag")
                 if k in self.props}
        props["provisioningState"] = self.provisioning_state
        props.update((k, self.props[k]) for k in ("publisher", "type", "typeHandlerVersion", "settings",
                                                  "suppressFailures", "provisionAfterExtensions")
                     if k in self.props)
        body = {"name": self.name, "id": self.id, "type": self.full_type, "location": self.location}
        if self.tags:
            body["tags"] = dict(self.tags)
        body["properties"] = props
        return body

    def instance_view(self):
        ok = self.provisioning_state == "Succeeded"
        return {"name": self.name, "type": "{}.{}".format(self.props.get("publisher"), self.props.get("type")),
                "typeHandlerVersion": self.handler_version(),
                "statuses": [{"code": "ProvisioningState/{}".format(self.provisioning_state.lower()),
                              "level": "Info" if ok else "Error",
                              "displayStatus": "Provisioning succeeded" if ok else "Provisioning failed",
                              "message": "Enable succeeded." if ok else ""}]}

    def handler_view(self):
        return {"type": "{}.{}".format(self.props.get("publisher"), self.props.get("type")),
                "typeHandlerVersion": self.handler_version(),
                "status": {"code": "ProvisioningState/succeeded", "level": "Info", "displayStatus": "Ready",
                           "message": "Plugin enabled"}}


class VmExtensionBackend:
    """Extensions of VMs, kept in the ``vm_extensions`` table (mixed into :class:`ComputeBackend`)."""

    def _extension_key(self, vm, name):
        return ids.key(vm.id + "/extensions/" + name)

    def extensions_of(self, vm):
        prefix = ids.key(vm.id) + "/extensions/"
        return sorted((e for k, e in self.vm_extensions.items() if k.startswith(prefix)), key=lambda e: e.name.lower())

    def get_vm_extension(self, subscription_id, resource_group, vm_name, name):
        return self.get_resource(self.vm_extensions, "virtualMachines/extensions", subscription_id, resource_group,
                                 vm_name, name)

    def list_vm_extensions(self, subscription_id, resource_group, vm_name):
        return self.extensions_of(self.get_vm(subscription_id, resource_group, vm_name))

    def begin_create_or_update_vm_extension(self, subscription_id, resource_group, vm_name, name, body, patch=False):
        vm = self.get_vm(subscription_id, resource_group, vm_name)
        existing = self.vm_extensions.get(self._extension_key(vm, name))
        if existing is None and patch:
            raise exceptions.ResourceNotFound(NS + "/virtualMachines/extensions", vm_name + "/" + name, resource_group)
        if existing is not None:
            self.not_busy(existing)
        self.cloud.check_locks_for_write(vm.id)
        if vm.power_state != "running":
            raise exceptions.OperationNotAllowed(NOT_RUNNING)  # seen
        ext = existing or VmExtension(self, vm, name, body.get("location") or vm.location)
        ext.apply(body, patch)
        ext.provisioning_state = "Creating" if existing is None else "Updating"
        self.vm_extensions[ids.key(ext.id)] = ext
        vm.etag += 1
        accepted = ext.to_json()

        def provisioned():
            self._provision(vm, ext)
            ext.provisioning_state = "Succeeded"
            return None

        def failed(_err):  # Azure keeps a failed extension, Failed (it is not rolled back)
            ext.provisioning_state = "Failed"

        op = self.start_operation(ext, "operations", provisioned, failed)
        return Write(ext, existing is None, op, accepted)

    def _provision(self, vm, ext):
        """The agent runs the handler; Azure fails the operation when it cannot."""
        if marketplace.extension_latest(ext.props.get("publisher"), ext.props.get("type")) is None:
            ext.provisioning_state = "Failed"
            raise exceptions.VMExtensionProvisioningError(
                "VM has reported a failure when processing extension '{}' (publisher '{}' and type '{}'). Error "
                "message: 'The extension handler could not be downloaded.'".format(
                    ext.name, ext.props.get("publisher"), ext.props.get("type")))  # wording not verified
        boot = vm.boot
        if vm.power_state != "running" or boot is None or not getattr(boot, "agent_ready", False):
            ext.provisioning_state = "Failed"
            raise exceptions.VMAgentStatusCommunicationError(vm.name)

    def begin_delete_vm_extension(self, subscription_id, resource_group, vm_name, name):
        vm = self.get_vm(subscription_id, resource_group, vm_name)
        ext = self.vm_extensions.get(self._extension_key(vm, name))
        if ext is None:
            return None
        self.not_busy(ext)
        self.cloud.check_locks_for_delete(ext.id)
        if vm.power_state != "running":
            raise exceptions.OperationNotAllowed(NOT_RUNNING)  # seen (a DELETE of a stopped VM's extension)

        def removed():
            self.vm_extensions.pop(ids.key(ext.id), None)
            vm.etag += 1
            return None

        return self.begin_delete(ext, effect=removed)

    def drop_extensions(self, vm):
        """A deleted VM takes its extensions with it."""
        for ext in self.extensions_of(vm):
            self.vm_extensions.pop(ids.key(ext.id), None)

