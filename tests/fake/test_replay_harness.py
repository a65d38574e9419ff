"""The replay harness itself (tests/replay/): that it compares what it says it compares, follows the fake's
long-running operations, leaves out only what a recording did not keep, and finds a disagreement a fault
puts into the fake. The agreement figures are in test_azure_traffic_replay.py."""
import os

import yaml

from replay import report
from replay.armpath import classify
from replay.arrange import _model, presupposed_disks
from replay.groups import presupposed_groups
from replay.cassettes import UNRECORDED, Exchange, fidelity_exchanges, load_yaml, vcr_exchanges
from replay.causes import assign, operation
from replay.choose import read_served, verdict
from replay.compare import Comparison, error_code, key_paths
from replay.engine import BASE_URL, Replayer
from replay.renames import restored_deployment_names

RECORDINGS = os.path.join(report.TRAFFIC, "recordings")


def recording(name):
    return vcr_exchanges(load_yaml(os.path.join(RECORDINGS, name)))


def test_key_paths_fold_arrays_and_ignore_values():
    body = {"value": [{"id": 1}, {"id": 2, "tags": {"a": "b"}}], "nextLink": None}
    assert key_paths(body) == {"value", "value[]", "value[].id", "value[].tags", "value[].tags.a", "nextLink"}
    assert key_paths({"a": [1, 2]}) == {"a", "a[]"}
    assert key_paths({"a": 1}) == key_paths({"a": "other"})


def test_error_codes_of_arm_and_gateway_shapes():
    assert error_code(404, '{"error":{"code":"ResourceNotFound","message":"x"}}') == "ResourceNotFound"
    assert error_code(400, '{"code":"InvalidTemplate","message":"x"}') == "InvalidTemplate"
    assert error_code(500, "") == "(no code)"
    assert error_code(200, '{"error":{"code":"X"}}') is None


def test_comparison_verdicts():
    same = Comparison(200, 200, '{"a": {"b": 1}}', '{"a": {"b": 2}}')
    assert same.agrees and same.keys_ok and not same.code_judged
    missing = Comparison(200, 200, '{"a": {"b": 1}}', '{"a": {}}')
    assert missing.keys_ok is False and missing.missing == {"a.b"} and not missing.extra
    empty = Comparison(202, 202, "", "")
    assert empty.keys_ok is None and empty.agrees
    one_sided = Comparison(200, 200, "", '{"a": 1}')
    assert one_sided.keys_ok is False
    refused = Comparison(200, 400, '{"a": 1}', '{"error": {"code": "InvalidParameter", "message": "m"}}')
    assert not refused.status_ok and refused.code_judged and not refused.code_ok


def test_armpath_types():
    sub, rg = "/subscriptions/s", "/subscriptions/s/resourceGroups/g"
    assert classify("POST", rg + "/providers/Microsoft.Compute/virtualMachines/v/start") == \
        ("resourceGroup", "Microsoft.Compute/virtualMachines")
    assert classify("GET", rg + "/providers/Microsoft.Compute/virtualMachines/v/instanceView") == \
        ("resourceGroup", "Microsoft.Compute/virtualMachines/instanceView")
    assert classify("GET", sub + "/providers/Microsoft.Compute/locations/westus/DiskOperations/x") == \
        ("subscription", "Microsoft.Compute/locations/DiskOperations")
    assert classify("PUT", rg + "/providers/Microsoft.Network/virtualNetworks/n/providers/"
                    "Microsoft.Authorization/locks/l") == ("resource", "Microsoft.Authorization/locks")
    assert classify("GET", sub + "/resourcegroups/g/deployments/d/operations") == \
        ("resourceGroup", "Microsoft.Resources/deployments/operations")
    assert classify("GET", sub + "/providers/Microsoft.Compute") == ("subscription", "Microsoft.Resources/providers")
    assert classify("GET", "/providers/Microsoft.Management/managementGroups/m/providers/"
                    "Microsoft.Resources/deployments/d") == ("managementGroup", "Microsoft.Resources/deployments")
    assert operation("POST", rg + "/exportTemplate") == "POST Microsoft.Resources/resourceGroups/exportTemplate"


def test_every_chosen_recording_obeys_the_rule_and_names_its_source():
    served = read_served()
    chosen = report.chosen_recordings()
    assert len(chosen) >= 40
    for name, path in chosen:
        with open(path, encoding="utf-8") as fh:
            head = fh.readline()
        assert head.startswith("# source: Azure/azure-cli src/azure-cli/azure/cli/command_modules/"), name
        assert "at commit d8453938e762b4edbb386a5f9ac3558b4d5ca755" in head, name
        ok, reasons = verdict(load_yaml(path), served)
        assert ok, (name, reasons)


def test_the_rule_refuses_unserved_types_and_hosts():
    served = read_served()

    def doc(*uris):
        return {"interactions": [{"request": {"method": "GET", "uri": u}} for u in uris]}
    arm = "https://management.azure.com/subscriptions/s/resourceGroups/g/providers/"
    assert verdict(doc(arm + "Microsoft.Compute/disks/d?api-version=1"), served)[0]
    assert verdict(doc("https://login.microsoftonline.com/t/oauth2/token", arm + "Microsoft.Compute/disks/d"),
                   served)[0]
    assert verdict(doc(arm + "Microsoft.Storage/storageAccounts/a"), served) == \
        (False, ["type Microsoft.Storage/storageAccounts"])
    assert verdict(doc("https://a.blob.core.windows.net/c/b"), served) == (False, ["host a.blob.core.windows.net"])
    assert verdict(doc("https://login.microsoftonline.com/t/oauth2/token"), served) == (False, ["no request"])


def test_lro_polls_collapse_and_the_last_is_compared_with_the_fakes_end():
    # PUT disk (202), one DiskOperations poll, GET disk; the preparer's group is arranged first
    exchanges = recording("vm/test_disk_hibernation.yaml")
    result = Replayer(exchanges, "hibernation").run()
    assert result.arranged == ["cli_test_disk_hibernation_000001"]
    kinds = [(o.index, o.kind, o.comparison.fake_status) for o in result.outcomes]
    assert kinds == [(0, "request", 200), (1, "request", 202), (2, "poll", 200), (3, "request", 200)]
    poll = result.outcomes[2].comparison
    assert "properties.output.id" in poll.fake_keys and "endTime" in poll.fake_keys  # the finished operation
    assert result.collapsed == 0


def test_intermediate_polls_are_not_sent():
    exchanges = recording("resource/test_resource_group.yaml")  # DELETE group, four 202 polls, then 200
    replayer = Replayer(exchanges, "rg")
    result = replayer.run()
    assert result.collapsed == 4
    first_poll = next(o for o in result.outcomes if o.kind == "poll")
    assert first_poll.index == 5 and first_poll.comparison.rec_status == first_poll.comparison.fake_status == 200


def test_a_fault_in_the_fake_is_found_and_blamed_on_its_request():
    exchanges = recording("vm/test_disk_hibernation.yaml")
    clean = assign(Replayer(exchanges, "clean").run())
    replayer = Replayer(exchanges, "faulted")
    rule = {"kind": "error", "method": "PUT", "path": "/disks/", "status": 409, "code": "Conflict"}
    assert replayer.http.post(BASE_URL + "/_fake/faults", json=rule).status_code < 300
    faulted = assign(replayer.run())
    assert [o.comparison.status_ok for o in clean.outcomes] == [True] * 4
    assert [o.comparison.status_ok for o in faulted.outcomes] == [True, False, False, False]
    causes = [o.cause[0] if o.cause else None for o in faulted.outcomes]
    assert causes == [causes[0], "fake refused what Azure accepted", "cascade", "cascade"]
    assert "Conflict" in faulted.outcomes[1].cause[2]


def test_other_tests_resources_in_azures_lists_are_dropped():
    exchanges = recording("resource/test_group_lock_commands.yaml")
    replayer = Replayer(exchanges, "locks")
    lists = [ex for ex in exchanges if '"value"' in ex.text]
    trimmed = replayer.own_elements(lists[0])
    assert trimmed is not None and len(trimmed["value"]) < len(lists[0].json()["value"])
    assert all("cli_test_group_lock" in item["id"] for item in trimmed["value"])


def test_what_a_recording_did_not_keep_is_left_out_with_its_reason():
    result = Replayer(recording("resource/test_group_deployment_with_large_params.yaml"), "large").run()
    reasons = {why for _, why in result.uncompared}
    assert "its request body was not recorded" in reasons
    assert "it addresses a resource an unreplayable request made" in reasons
    sent = {o.index for o in result.outcomes}
    assert not sent & {i for i, _ in result.uncompared}


def test_preparer_groups_are_arranged_with_azures_location_and_tags(tmp_path):
    doc = {"interactions": [
        {"request": {"method": "GET", "uri": "https://management.azure.com/subscriptions/s/resourcegroups/g1"},
         "response": {"status": {"code": 200}, "body": {"string": '{"location": "eastus", "tags": {"a": "b"}}'}}},
        {"request": {"method": "PUT", "uri": "https://management.azure.com/subscriptions/s/resourcegroups/g2"},
         "response": {"status": {"code": 201}, "body": {"string": "{}"}}},
        {"request": {"method": "PUT", "uri": "https://management.azure.com/subscriptions/s/resourcegroups/g3",
                     "body": '{"location": "westus"}'},
         "response": {"status": {"code": 200}, "body": {"string": "{}"}}},
    ]}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(doc))
    groups = presupposed_groups(vcr_exchanges(load_yaml(str(path))))
    # g2 is created by the recording (201); g3 existed already (Azure answered its PUT 200)
    assert groups == [("s", "g1", {"location": "eastus", "tags": {"a": "b"}}), ("s", "g3", {"location": "westus"})]


def test_unrecorded_bodies_are_marked():
    doc = {"interactions": [{"request": {"method": "PUT", "uri": "https://management.azure.com/x",
                                         "body": "!!! The request body has been omitted from the recording "
                                                 "because its size 169189 is larger than 128KB. !!!"},
                             "response": {"status": {"code": 200}, "body": {"string": ""}}}]}
    (ex,) = vcr_exchanges(doc)
    assert isinstance(ex, Exchange) and ex.body is UNRECORDED


def test_operations_that_take_time_are_followed_on_the_virtual_clock():
    # each operation stays in flight 30 s of virtual time: the replay polls, jumping the clock, until done
    replayer = Replayer(recording("vm/test_disk_hibernation.yaml"), "slow", cloud_options={"lro_seconds": 30})
    started = replayer.cloud.clock.now()
    result = replayer.run()
    poll = next(o for o in result.outcomes if o.kind == "poll")
    assert poll.comparison.fake_status == 200 and "endTime" in poll.comparison.fake_keys
    assert replayer.cloud.clock.now() - started >= 30
    assert all(o.comparison.status_ok for o in result.outcomes)


def test_polls_match_their_operation_where_the_recorder_renamed_the_url():
    # azure-cli's recorder wrote "mock-deployment" into request URLs but kept the deployment's own name in
    # the Azure-AsyncOperation header that handed the poll URL out; the poll is still the operation's
    exchanges = recording("resource/test_group_deployment_lite.yaml")
    assert "/deployments/mock-deployment/" in exchanges[2].url
    assert "/deployments/mock-deployment/" not in exchanges[1].header("azure-asyncoperation")
    result = assign(Replayer(exchanges, "lite").run())
    poll = next(o for o in result.outcomes if o.index == 2)
    assert poll.kind == "poll" and poll.started_by is result.outcomes[1]
    assert not result.uncompared


def test_the_packs_runs_go_in_azures_order_and_request_less_entries_add_what_they_show():
    # vm-power-lro.yaml kept the 2025 run's powerOff (23:18:56) after its deallocate (23:22:34); the 2022 SDK
    # run that follows in the file stays after the whole 2025 run
    exchanges = fidelity_exchanges(load_yaml(os.path.join(report.FIDELITY, "vm-power-lro.yaml")))
    actions = [ex.url.split("?")[0].rsplit("/", 1)[-1] for ex in exchanges if ex.method == "POST"]
    assert actions == ["powerOff", "start", "restart", "redeploy", "deallocate", "start", "deallocate"]
    power_off = next(ex for ex in exchanges if ex.url.split("?")[0].endswith("/powerOff"))
    # its final polls are an entry of their own, with no request: their status documents are shown with it
    assert any(isinstance(b, dict) and b.get("endTime") and b.get("name", "").startswith("433a0c8f")
               for b in power_off.shown)


def _dated(method, url, status, body, date, headers=None):
    return Exchange(method, "https://management.azure.com" + url, body, status,
                    dict(headers or {}, date=date), "" if body is None else body)


def test_an_operation_ends_when_azures_ended_not_after_the_median():
    sub = "/subscriptions/00000000-0000-0000-0000-000000000000"
    disk = sub + "/resourceGroups/g/providers/Microsoft.Compute/disks/d1"
    op = "https://management.azure.com" + sub + "/providers/Microsoft.Compute/locations/westus/DiskOperations/abc"
    put = Exchange("PUT", "https://management.azure.com" + disk + "?api-version=2022-07-02",
                   '{"location": "westus", "properties": {"creationData": {"createOption": "Empty"}, '
                   '"diskSizeGB": 1}}', 202, {"azure-asyncoperation": op, "date": "Wed, 18 May 2022 08:55:29 GMT"},
                   "{}")
    poll = Exchange("GET", op, None, 200, {"date": "Wed, 18 May 2022 08:56:29 GMT"},
                    '{"startTime": "2022-05-18T08:55:29+00:00", "endTime": "2022-05-18T08:56:10+00:00", '
                    '"status": "Succeeded", "name": "abc"}')
    replayer = Replayer([put, poll], "timed")
    replayer.run()
    (started,) = [o for o in replayer.cloud.operations._ops.values() if o.activity == ("Microsoft.Compute/disks",
                                                                                         "create")]
    assert started.due - started.started == 41.0  # Azure's endTime - startTime, not the table's 0.1 s
    fixed = Replayer([put, poll], "fixed", cloud_options={"lro_seconds": 5})
    fixed.run()
    assert {o.due - o.started for o in fixed.cloud.operations._ops.values()} == {5.0}  # a fixed profile keeps its


def test_the_pack_arranges_what_it_never_made_from_the_first_body_showing_it():
    exchanges = report.fidelity_pack()
    planned = {p.rsplit("/", 2)[-2] + "/" + p.rsplit("/", 1)[-1]: i
               for i, paths in presupposed_disks(exchanges).items() for p in paths}
    # d2 and s2 were made by PUTs whose bodies the pack did not keep: made in their place; disk1 is first
    # named by vm1's PUT; d1 and s1 the pack makes itself; the snapshots errors.yaml reads were missing on Azure
    assert set(planned) >= {"disks/d2", "snapshots/s2", "disks/disk1"}
    assert not {"disks/d1", "snapshots/s1", "snapshots/d1", "snapshots/d2"} & set(planned)
    assert exchanges[planned["disks/d2"]].body is UNRECORDED
    d2 = _model(next(p for ps in presupposed_disks(exchanges).values() for p in ps if p.endswith("/disks/d2")),
                exchanges)
    assert d2["properties"]["creationData"]["createOption"] == "Copy" and d2["properties"]["diskSizeGB"] == 10
    vm1 = _model("/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/clitest.rg000001/providers/"
                 "microsoft.compute/virtualmachines/vm1", exchanges)
    # the PUT's whole body, with the image only Azure's (abridged) answer shows
    assert vm1["properties"]["osProfile"]["computerName"] == "vm1"
    assert vm1["properties"]["storageProfile"]["imageReference"]["offer"] == "CentOS"
    result = assign(report.replay(exchanges, "pack", "fidelity", arrange_resources=True))
    by_label = {o.exchange.label: o for o in result.outcomes}
    image = by_label["PUT image from snapshots and managed disks"]
    assert image.comparison.agrees and image.comparison.keys_ok  # compared whole: the image itself is not arranged


def test_deployment_names_the_recorder_replaced_are_given_back_from_azures_answers():
    # azure-cli's DeploymentNameReplacer wrote mock-deployment into every request URL; two deployments of the
    # recording were one name, so the second create (Azure 201) was an update for the fake (200)
    exchanges = recording("resource/test_group_on_error_deployment_lastsuccessful.yaml")
    urls = restored_deployment_names(exchanges)
    assert "/deployments/mock-deployment" in exchanges[5].url
    assert "/deployments/azure-cli-deployment000002?" in urls[1]
    assert "/deployments/azure-cli-deployment000003?" in urls[5]
    assert "/deployments/azure-cli-deployment000003/validate" in urls[4]
    result = Replayer(exchanges, "on-error").run()
    second = next(o for o in result.outcomes if o.index == 5)
    assert second.comparison.rec_status == second.comparison.fake_status == 201


def test_a_deployment_operation_id_of_azures_is_sent_as_the_fakes():
    # test_resource_group_deployment#18 reads the operation Azure listed in #17 (CA08B0F267F5D043): the fake's
    # operation on the same NSG answers it
    result = Replayer(recording("resource/test_resource_group_deployment.yaml"), "ops").run()
    read = next(o for o in result.outcomes if o.index == 18)
    assert "/operations/CA08B0F267F5D043" in read.exchange.url
    assert read.comparison.fake_status == 200 and read.comparison.keys_ok
