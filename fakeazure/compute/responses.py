from ..core.responses import BaseResponse, operation_status_reply, operation_result_reply


class ComputeResponse(BaseResponse):
    pretty = True

    @property
    def backend(self):
        return self.cloud.compute

    def get_vm(self):
        vm = self.backend.get_vm(self.subscription, self.resource_group, self.param("vmName"))
        expand = (self.query.get("$expand") or "").lower()
        if expand and expand not in ("instanceview", "userdata"):
            from ..core import errors
            raise errors.InvalidParameter("The value of parameter '$expand' is invalid.", target="$expand")
        if expand == "instanceview":
            return self.ok(vm.to_json(instance_view=True))
        return self.ok(vm.to_json(), headers={"ETag": '"{}"'.format(vm.etag)})

    def get_instance_view(self):
        vm = self.backend.get_vm(self.subscription, self.resource_group, self.param("vmName"))
        return self.ok(vm.instance_view())

    def list_vms(self):
        return self.list_of([vm.to_json() for vm in self.backend.list_vms(self.subscription,
                                                                           self.resource_group)])

    def list_all_vms(self):
        return self.list_of([vm.to_json() for vm in self.backend.list_vms(self.subscription)])

    def get_disk(self):
        return self.ok(self.backend.get_disk(self.subscription, self.resource_group,
                                             self.param("diskName")).to_json())

    def list_disks(self):
        return self.list_of([d.to_json() for d in self.backend.list_disks(self.subscription,
                                                                         self.resource_group)])

    def operation_status(self):
        return operation_status_reply(self, self.param("operationId"))

    def operation_result(self):
        return operation_result_reply(self, self.param("operationId"))
