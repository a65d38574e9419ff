"""Which properties a PUT may change on a network interface or a public IP address: the writable-properties
tables of Microsoft.Network (the mechanism is :mod:`fakeazure.core.properties`).

The rows follow the REST models az 2.91 sends (networkInterfaces 2023-11-01, publicIPAddresses 2025-09-01,
from the aaz command definitions generated from azure-rest-api-specs). Kinds as in Compute: ``IN_PLACE``;
``DEALLOCATED`` (a NIC held by a VM applies it only while the VM is deallocated); ``CREATE_ONLY``, refused with
409 ``PropertyChangeNotAllowed`` "Changing property '<name>' is not allowed." (Compute's seen wording; that
Network answers a change the same way is not verified, fakeazure/UNVERIFIED.md).
"""
from ..core.properties import CREATE_ONLY, DEALLOCATED, IN_PLACE, Row

SPEC = "spec: writable (a PUT of the whole resource applies it)"
UNVERIFIED_CREATE = "spec: set at create; that Azure refuses a change is inferred (wording not verified)"
P = "properties."

NETWORK_INTERFACES = [
    Row("location", CREATE_ONLY, "ARM: InvalidResourceLocation", by_backend=True),
    Row("tags", IN_PLACE, SPEC, by_backend=True),
    Row("extendedLocation", CREATE_ONLY, UNVERIFIED_CREATE),
    Row(P + "ipConfigurations", IN_PLACE, SPEC + "; Learn: add, change or remove IP addresses of a NIC",
        by_backend=True),
    Row(P + "networkSecurityGroup", IN_PLACE, "Learn: associate or dissociate an NSG on a NIC", by_backend=True),
    Row(P + "dnsSettings", IN_PLACE, "Learn: change DNS servers of a NIC"),
    Row(P + "enableAcceleratedNetworking", DEALLOCATED, "Learn: Accelerated Networking on an existing VM (the VM "
        "deallocated first)", by_backend=True),
    Row(P + "enableIPForwarding", IN_PLACE, "Learn: enable or disable IP forwarding on a NIC", by_backend=True),
    Row(P + "disableTcpStateTracking", IN_PLACE, SPEC),
    Row(P + "workloadType", IN_PLACE, SPEC),
    Row(P + "nicType", CREATE_ONLY, UNVERIFIED_CREATE, name="nicType"),
    Row(P + "privateLinkService", IN_PLACE, SPEC),
    Row(P + "migrationPhase", IN_PLACE, SPEC),
    Row(P + "auxiliaryMode", IN_PLACE, SPEC),
    Row(P + "auxiliarySku", IN_PLACE, SPEC),
]

PUBLIC_IPS = [
    Row("location", CREATE_ONLY, "ARM: InvalidResourceLocation", by_backend=True),
    Row("tags", IN_PLACE, SPEC, by_backend=True),
    Row("extendedLocation", CREATE_ONLY, UNVERIFIED_CREATE),
    Row("sku", CREATE_ONLY, "Learn: a Basic IP is upgraded by a dedicated procedure; a PUT changing the SKU is "
        "refused (wording not verified)", name="sku", by_backend=True),
    Row("zones", CREATE_ONLY, "Learn: zones of a public IP are set at create (wording not verified)", name="zones"),
    Row(P + "publicIPAllocationMethod", IN_PLACE, "Learn: change the assignment method (Dynamic to Static)",
        by_backend=True),
    Row(P + "publicIPAddressVersion", CREATE_ONLY, UNVERIFIED_CREATE, name="publicIPAddressVersion"),
    Row(P + "dnsSettings", IN_PLACE, "Learn: add or change the DNS name label of a public IP"),
    Row(P + "ddosSettings", IN_PLACE, SPEC),
    Row(P + "ipTags", CREATE_ONLY, UNVERIFIED_CREATE, name="ipTags"),
    Row(P + "ipAddress", CREATE_ONLY, "spec: writable, assigned by Azure; wording not verified", name="ipAddress"),
    Row(P + "publicIPPrefix", CREATE_ONLY, UNVERIFIED_CREATE, name="publicIPPrefix"),
    Row(P + "idleTimeoutInMinutes", IN_PLACE, "Learn: change the idle timeout", by_backend=True),
    Row(P + "servicePublicIPAddress", IN_PLACE, SPEC),
    Row(P + "natGateway", IN_PLACE, SPEC),
    Row(P + "migrationPhase", IN_PLACE, SPEC),
    Row(P + "linkedPublicIPAddress", IN_PLACE, SPEC),
    Row(P + "deleteOption", IN_PLACE, SPEC + "; Learn: delete a VM and its resources"),
]


def create_only_refusal(row):
    from .exceptions import PropertyChangeNotAllowed
    return PropertyChangeNotAllowed("Changing property '{}' is not allowed.".format(row.name), target=row.name)


def deallocated_refusal(row):
    from .exceptions import OperationNotAllowed
    return OperationNotAllowed("Changing property '{}' is allowed only when the virtual machine using the network "
                               "interface is deallocated.".format(row.name), target=row.name)
