"""Microsoft.Network's refusals, one class per ARM error code.

Errors raised by the Network RP itself carry ``"details": []`` and are pretty-printed (seen in public
reports of ``NicInUse`` and ``NicReservedForAnotherVm``, both HTTP 400). Wording:

* ``NicReservedForAnotherVm`` (400): "Nic(s) in request is reserved for another Virtual Machine for 180
  seconds. Please provide another nic(s) or retry after 180 seconds. Reserved VM: <vm id>" - answered to a
  NIC DELETE and to a VM create that names the NIC (gardenlinux#4133, taskcluster#7196, bosh-azure-cpi#366).
* ``NicInUse`` (400): "Network Interface <nic id> is used by existing resource <vm id>. In order to delete
  the network interface, it must be dissociated from the resource. To learn more, see aka.ms/deletenic." -
  answered to a NIC DELETE and to a VM create/update naming a NIC another VM holds (terraform-provider-azurerm
  #8105, pulumi-azure#441).
* ``InvalidResourceReference``, ``PublicIPAddressInUse``, ``PublicIPAddressCannotBeDeleted``,
  ``InUseSubnetCannotBeDeleted``, ``InUseNetworkSecurityGroupCannotBeDeleted`` (all 400): wording as seen in
  public error reports; the exact sentence of the last three was not re-verified here.
"""
from ..core import errors

NIC_RESERVE_SECONDS = 180


class NetworkError(errors.ArmError):
    """An error raised by the Network resource provider: pretty-printed, with an empty ``details``."""
    status = 400

    def body(self):
        body = super().body()
        body["error"].setdefault("details", [])
        return body


def _coded(code, status=400):
    return type(code, (NetworkError,), {"code": code, "status": status, "__doc__": "Network's {}.".format(code)})


InvalidRequestFormat = _coded("InvalidRequestFormat")
InvalidAddressPrefixFormat = _coded("InvalidAddressPrefixFormat")
NetcfgInvalidSubnet = _coded("NetcfgInvalidSubnet")
StandardSkuPublicIPAddressesMustBeStatic = _coded("StandardSkuPublicIPAddressesMustBeStatic")
NetworkInterfaceMustHaveAtLeastOneIpConfiguration = _coded("NetworkInterfaceMustHaveAtLeastOneIpConfiguration")
InvalidResourceReference = _coded("InvalidResourceReference")
PublicIPAddressInUse = _coded("PublicIPAddressInUse")
PublicIPAddressCannotBeDeleted = _coded("PublicIPAddressCannotBeDeleted")
InUseSubnetCannotBeDeleted = _coded("InUseSubnetCannotBeDeleted")
InUseNetworkSecurityGroupCannotBeDeleted = _coded("InUseNetworkSecurityGroupCannotBeDeleted")
SubnetIsFull = _coded("SubnetIsFull")
NotFound = _coded("NotFound", 404)
InvalidParameter = _coded("InvalidParameter")
SecurityRuleInvalid = _coded("SecurityRuleInvalidParameter")
SecurityRuleConflict = _coded("SecurityRuleConflict")
NicNotAttachedToRunningVm = _coded("NetworkInterfaceNotAttachedToRunningVm")
PrivateIPAddressNotInAnySubnet = _coded("PrivateIPAddressNotInAnySubnet")
PropertyChangeNotAllowed = _coded("PropertyChangeNotAllowed", 409)
OperationNotAllowed = _coded("OperationNotAllowed", 409)


class NicInUse(NetworkError):
    code = "NicInUse"

    def __init__(self, nic_id, vm_id):
        super().__init__("Network Interface {} is used by existing resource {}. In order to delete the network "
                         "interface, it must be dissociated from the resource. To learn more, see aka.ms/deletenic."
                         .format(nic_id, vm_id))


class NicReservedForAnotherVm(NetworkError):
    code = "NicReservedForAnotherVm"

    def __init__(self, vm_id):
        super().__init__("Nic(s) in request is reserved for another Virtual Machine for {} seconds. Please provide "
                         "another nic(s) or retry after {} seconds. Reserved VM: {}"
                         .format(NIC_RESERVE_SECONDS, NIC_RESERVE_SECONDS, vm_id))


class AnotherOperationInProgress(NetworkError):
    """A write on a Network resource (or its subnets) while an operation is in progress on it. Wording seen in
    Azure/bicep#5132 and microsoft/AzureTRE#2222: "Another operation on this or dependent resource is in
    progress. To retrieve status of the operation use uri: https://management.azure.com/subscriptions/.../
    providers/Microsoft.Network/locations/eastus/operations/<id>?api-version=2019-11-01." A Network engineer
    wrote that the Network RP answers 429 (with Retry-After) when "an operation on a resource with references
    that are in an updating state" is attempted (Azure/azure-libraries-for-net#1001); that this refusal is that
    429 is inferred (fakeazure/UNVERIFIED.md). The responses fill in the running operation's URL."""
    code = "AnotherOperationInProgress"
    status = 429

    def __init__(self, operation):
        self.operation = operation
        super().__init__("Another operation on this or dependent resource is in progress.")

    def with_url(self, url):
        self.message = ("Another operation on this or dependent resource is in progress. To retrieve status of "
                        "the operation use uri: {}.".format(url))
        return self
