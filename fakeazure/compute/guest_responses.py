"""HTTP side of boot diagnostics and Run Command (the logic is in :mod:`fakeazure.compute.guestops`)."""
from ..core import errors
from .guestops import guestops
from .responses import ComputeResponse

VM = "Microsoft.Compute/virtualMachines"
RC = "Microsoft.Compute/virtualMachines/runCommands"
P = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute"


class GuestResponse(ComputeResponse):
    @property
    def ops(self):
        return guestops(self.cloud)

    def retrieve_boot_diagnostics_data(self):
        body = self.ops.retrieve_boot_diagnostics(self.subscription, self.resource_group, self.param("vmName"),
                                                  self.query.get("sasUriExpirationTimeInMinutes"),
                                                  self.ctx.base_url)
        return self.ok(body)

    def run_command(self):
        op = self.ops.start_run_command(self.subscription, self.resource_group, self.param("vmName"),
                                        self.json_body())
        reply = self.lro(op, status=202)
        reply.headers["Azure-AsyncNotification"] = "Enabled"
        return reply

    def put_run_command(self):
        rc, created, op = self.ops.put_run_command(self.subscription, self.resource_group, self.param("vmName"),
                                                   self.param("runCommandName"), self.json_body())
        body = rc.to_json()
        if op.done and op.status == "Succeeded":
            # the fast profile finished the work already; the PUT itself still shows the transition
            body["properties"]["provisioningState"] = "Creating" if created else "Updating"
        reply = self.lro(op, status=201 if created else 200, body=body, location=False)
        reply.headers["Azure-AsyncNotification"] = "Enabled"
        return reply

    def get_run_command(self):
        rc = self.ops.get_run_command(self.subscription, self.resource_group, self.param("vmName"),
                                      self.param("runCommandName"))
        expand = (self.query.get("$expand") or "").lower()
        if expand and expand != "instanceview":
            raise errors.InvalidParameter("The value of parameter '$expand' is invalid.", target="$expand")
        return self.ok(rc.to_json(instance_view=expand == "instanceview"))

    def list_run_commands(self):
        expand = (self.query.get("$expand") or "").lower() == "instanceview"
        return self.list_of([rc.to_json(instance_view=expand) for rc in
                             self.ops.list_run_commands(self.subscription, self.resource_group,
                                                        self.param("vmName"))])

    def delete_run_command(self):
        op = self.ops.delete_run_command(self.subscription, self.resource_group, self.param("vmName"),
                                         self.param("runCommandName"))
        if op is None:
            return self.no_content(204)
        return self.lro(op, status=202)


url_table = [
    ("POST", P + "/virtualMachines/{vmName}/retrieveBootDiagnosticsData", VM, GuestResponse,
     "retrieve_boot_diagnostics_data"),
    ("POST", P + "/virtualMachines/{vmName}/runCommand", VM, GuestResponse, "run_command"),
    ("PUT", P + "/virtualMachines/{vmName}/runCommands/{runCommandName}", RC, GuestResponse, "put_run_command"),
    ("GET", P + "/virtualMachines/{vmName}/runCommands/{runCommandName}", RC, GuestResponse, "get_run_command"),
    ("DELETE", P + "/virtualMachines/{vmName}/runCommands/{runCommandName}", RC, GuestResponse,
     "delete_run_command"),
    ("GET", P + "/virtualMachines/{vmName}/runCommands", RC, GuestResponse, "list_run_commands"),
]
