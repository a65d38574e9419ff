"""keep.py on its own: the deleteOptions of a VM model (SDK objects) and of public IPs (a stand-in for the
generic ARM client that answers GETs and records PUTs). The whole recreate runs that use it against the fake
cloud are in test_repair_model.py; these pin each function's answer at its edges, fast (mutation testing,
scripts/mutate.py, runs them first)."""
from types import SimpleNamespace

from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.compute.models import (DataDisk, NetworkInterfaceReference, NetworkProfile, OSDisk, StorageProfile,
                                       VirtualMachine)

from azext_vmbootfix.repair import keep


def vm(os_option="Delete", data=(("Delete", 1), ("Detach", 2)), nics=(("/N1", "Delete"),), network=True):
    return VirtualMachine(
        location="westeurope",
        storage_profile=StorageProfile(
            os_disk=OSDisk(create_option="Attach", delete_option=os_option),
            data_disks=[DataDisk(lun=lun, create_option="Attach", delete_option=o) for o, lun in data]),
        network_profile=NetworkProfile(network_interfaces=[NetworkInterfaceReference(id=i, delete_option=o)
                                                           for i, o in nics]) if network else None)


def options(model):
    return (model.storage_profile.os_disk.delete_option,
            [d.delete_option for d in model.storage_profile.data_disks],
            [n.delete_option for n in (model.network_profile.network_interfaces if model.network_profile else [])])


def test_a_vm_is_all_detach_only_when_no_disk_and_no_nic_would_be_deleted():
    assert keep.vm_all_detach(vm("Detach", (("Detach", 1),), (("/N1", "Detach"),))) is True
    assert keep.vm_all_detach(vm(None, ((None, 1),), (("/N1", None),))) is True  # not shown: Detach
    assert keep.vm_all_detach(vm("detach", (), (), network=False)) is True
    assert keep.vm_all_detach(vm("Delete", (), ())) is False
    assert keep.vm_all_detach(vm("Detach", (("Delete", 1),), ())) is False
    assert keep.vm_all_detach(vm("Detach", (), (("/N1", "Delete"),))) is False


def test_set_vm_detach_detaches_everything_and_says_whether_it_changed_anything():
    model = vm()
    assert keep.set_vm_detach(model) is True
    assert options(model) == ("Detach", ["Detach", "Detach"], ["Detach"])
    assert keep.set_vm_detach(model) is False
    no_nic = vm(network=False)
    assert keep.set_vm_detach(no_nic) is True and options(no_nic) == ("Detach", ["Detach", "Detach"], [])


ORIGINAL = {"properties": {
    "storageProfile": {"osDisk": {"deleteOption": "Delete"},
                       "dataDisks": [{"lun": 1, "deleteOption": "Delete"}, {"lun": 2}]},
    "networkProfile": {"networkInterfaces": [{"id": "/N1", "properties": {"deleteOption": "Delete"}},
                                             {"id": "/n2", "deleteOption": "Delete"}, {"id": "/N3"}]}}}


def test_the_original_options_absent_disk_options_are_detach_and_absent_nic_options_none():
    assert keep.original_vm_options(ORIGINAL) == ("Delete", {1: "Delete", 2: "Detach"},
                                                  {"/n1": "Delete", "/n2": "Delete", "/n3": None})
    bare = {"properties": {"storageProfile": {"osDisk": {}}}}
    assert keep.original_vm_options(bare) == ("Detach", {}, {})


def test_set_vm_original_puts_back_disks_by_lun_and_nics_by_id_and_leaves_the_rest():
    model = vm("Detach", (("Detach", 1), ("Detach", 2), ("Detach", 9)),
               (("/n1", "Detach"), ("/N2", "Detach"), ("/N3", "Detach"), ("/N4", "Detach")))
    assert keep.set_vm_original(model, ORIGINAL) is True
    assert options(model) == ("Delete", ["Delete", "Detach", "Detach"], ["Delete", "Delete", "Detach", "Detach"])
    assert keep.set_vm_original(model, ORIGINAL) is False  # already so
    kept_os = vm("Detach", (("Detach", 1),), ())
    assert keep.set_vm_original(kept_os, ORIGINAL, os_disk=False) is True
    assert options(kept_os) == ("Detach", ["Delete"], [])
    assert keep.set_vm_original(vm("Detach", (), (), network=False), ORIGINAL) is True


def test_options_compare_case_insensitively_with_absent_as_detach():
    same = vm("Detach", (("Detach", 2),), (("/N3", "Detach"),))
    assert keep.set_vm_original(same, {"properties": {"storageProfile": {
        "osDisk": {"deleteOption": "detach"}, "dataDisks": [{"lun": 2}]}}}) is False
    assert keep._options(vm(None, ((None, 1),), (("/N1", None),))) == ["detach"] * 3  # pylint: disable=W0212


# -- public IPs through a stand-in ARM client ------------------------------------------------------------
class Arm:
    """GETs answer from ``docs`` (id -> (properties, location, tags)), ids compared case-insensitively as ARM
    does; PUTs are recorded, not applied."""

    def __init__(self, docs):
        self.docs, self.puts, self.gets = {k.lower(): v for k, v in docs.items()}, [], []
        self.resources = self

    def get_by_id(self, rid, api):
        self.gets.append((rid, api))
        if rid.lower() not in self.docs:
            raise ResourceNotFoundError("gone")
        props, location, tags = self.docs[rid.lower()]
        return SimpleNamespace(id=rid, properties=props, location=location, tags=tags)

    def begin_create_or_update_by_id(self, rid, api, body):
        self.puts.append((rid, api, body))
        return SimpleNamespace(result=lambda: body)


def nic(*pips, other=True):
    cfgs = [{"name": "c{}".format(i), "properties": {"publicIPAddress": {"id": p}, "subnet": {"id": "/s"}}}
            for i, p in enumerate(pips)]
    if other:
        cfgs.append({"name": "private", "properties": {"subnet": {"id": "/s"}}})
    return ({"ipConfigurations": cfgs, "enableAcceleratedNetworking": True}, "westeurope", {"env": "prod"})


def test_public_ips_are_read_from_each_nic_with_their_option_and_nic():
    arm = Arm({"/nic1": nic("/PIP1", "/pip2"), "/nic2": (None, "w", None),
               "/PIP1": ({"deleteOption": "Delete"}, "w", None), "/pip2": ({}, "w", None)})
    assert keep.public_ips(arm, ["/nic1", "/nic2", "/gone"]) == ({"/PIP1": "Delete", "/pip2": "Detach"},
                                                                 {"/PIP1": "/nic1", "/pip2": "/nic1"})
    assert all(api == keep.NETWORK_API for _, api in arm.gets)
    assert keep.public_ips(None, ["/nic1"]) == ({}, {})


def test_a_public_ip_option_is_written_through_its_nic_only_when_it_differs():
    arm = Arm({"/nic1": nic("/PIP1", "/pip2"), "/PIP1": ({"deleteOption": "Delete"}, "w", None),
               "/pip2": ({"deleteOption": "Delete"}, "w", None)})
    assert keep.set_public_ip(arm, "/nic1", "/pip1", "Detach") is True
    (rid, api, body), = arm.puts
    assert rid == "/nic1" and api == keep.NETWORK_API
    assert body == {"location": "westeurope", "tags": {"env": "prod"}, "properties": {
        "enableAcceleratedNetworking": True, "ipConfigurations": [
            {"name": "c0", "properties": {"publicIPAddress": {"id": "/PIP1", "properties": {"deleteOption": "Detach"}},
                                          "subnet": {"id": "/s"}}},
            {"name": "c1", "properties": {"publicIPAddress": {"id": "/pip2"}, "subnet": {"id": "/s"}}},
            {"name": "private", "properties": {"subnet": {"id": "/s"}}}]}}
    assert arm.docs["/nic1"][0]["ipConfigurations"][0]["properties"]["publicIPAddress"] == {"id": "/PIP1"}
    assert keep.set_public_ip(arm, "/nic1", "/pip1", "delete") is False  # already so (the PUT is not applied)
    assert keep.set_public_ip(arm, "/nic1", "/gone", "Detach") is False
    assert keep.set_public_ip(arm, "/gone-nic", "/pip2", "Detach") is False
    assert len(arm.puts) == 1


def test_a_nic_without_tags_is_written_without_tags_and_a_sender_sends_it():
    arm = Arm({"/nic1": (nic("/p")[0], "w", None), "/p": ({}, "w", None)})
    sent = []
    out = keep.start_public_ip(arm, "/nic1", "/p", "Delete",
                               sender=lambda begin, *args: sent.append(args) or "poller")
    assert out == "poller" and "tags" not in sent[0][2] and arm.puts == []


def test_public_ips_are_compared_case_insensitively_and_a_gone_one_counts_as_so():
    arm = Arm({"/a": ({"deleteOption": "Delete"}, "w", None), "/b": ({}, "w", None)})
    assert keep.public_ips_are(arm, {"/a": "delete", "/b": "DETACH", "/gone": "Delete"}) is True
    assert keep.public_ips_are(arm, {"/a": "Detach"}) is False
    assert keep.public_ips_detach(arm, ["/b", "/gone"]) is True
    assert keep.public_ips_detach(arm, ["/a"]) is False


def test_a_gone_nic_or_a_configuration_without_a_public_ip_does_not_stop_the_reading():
    private_first = ({"ipConfigurations": [{"name": "private", "properties": {"subnet": {"id": "/s"}}},
                                           {"name": "c0", "properties": {"publicIPAddress": {"id": "/p1"}}}]},
                     "w", None)
    arm = Arm({"/nic1": private_first, "/nic2": nic("/p2"), "/p1": ({}, "w", None),
               "/p2": ({"deleteOption": "Delete"}, "w", None)})
    assert keep.public_ips(arm, ["/gone", "/nic1", "/nic2"]) == ({"/p1": "Detach", "/p2": "Delete"},
                                                                 {"/p1": "/nic1", "/p2": "/nic2"})
