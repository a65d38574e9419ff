"""The conformance table of issue 9 (tests/fixtures/conformance.yaml), run with the stock az against one
`fakeazure serve` server: each row's steps, its expected exit code and ARM error code, its checks.

The table is data; this module only knows how to run a step (the step kinds are described in the table's
header). A failing row names itself, the command, what az printed and the row's source.
"""
import copy
import json
import os
import re
import time

import pytest
import requests
import yaml

from fakeazure.core.properties import set_at
from fakeazure.network.scenario import ensure_vm_network
from fakecloud import fake_server, require_az, run_az

pytestmark = pytest.mark.az

TABLE_PATH = os.path.join(os.path.dirname(__file__), "..", "fixtures", "conformance.yaml")
with open(TABLE_PATH, encoding="utf-8") as _fh:
    TABLE = yaml.safe_load(_fh)
VM_API = "2024-11-01"


class Runner:
    def __init__(self, server):
        self.server = server
        self.sub = server.cloud.default_subscription
        self.values = {"sub": self.sub, "base": server.base_url,
                       "templates": os.path.join(os.path.dirname(TABLE_PATH), "templates")}

    def fill(self, value):
        """Placeholders ({sub}, {base}, captured names) replaced in strings, lists and dicts."""
        if isinstance(value, str):
            for key, val in self.values.items():
                if value == "{" + key + "}":
                    return val  # a captured value as it was (a number stays a number)
                value = value.replace("{" + key + "}", val if isinstance(val, str) else json.dumps(val))
            return value
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        return value

    # -- the step kinds -------------------------------------------------------------------------------
    def vm_rest_args(self, spec):
        group = spec.get("group", "rg-conf")
        name = spec["name"]
        rid = "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute".format(self.sub, group)
        nic = self.ensure_nic(group, name)
        body = copy.deepcopy(TABLE["vm_body"])
        body = json.loads(json.dumps(body).replace("{name}", name[:15]).replace("{nic}", nic))
        if spec.get("zones"):
            body["zones"] = spec["zones"]
        if spec.get("image"):
            body["properties"]["storageProfile"]["imageReference"] = {"id": rid + "/images/" + spec["image"]}
        if spec.get("os_disk"):  # attach an existing OS disk: no image, no OS profile
            sp = body["properties"]["storageProfile"]
            sp.pop("imageReference")
            sp["osDisk"] = {"createOption": "Attach", "osType": "Windows",
                            "managedDisk": {"id": rid + "/disks/" + spec["os_disk"]}}
            body["properties"].pop("osProfile")
        for path, value in (spec.get("set") or {}).items():
            set_at(body, path, self.fill(value))
        url = "{}{}/virtualMachines/{}?api-version={}".format(self.server.base_url, rid, name, VM_API)
        return ["rest", "--method", "put", "--url", url, "--body", json.dumps(body)]

    def ensure_nic(self, group, name):
        """A NIC for the VM (made in-process: the network is no row's subject)."""
        name = re.sub(r"[^A-Za-z0-9-]", "x", name)  # the VM's name may be the invalid one a row sends
        nic = "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/networkInterfaces/{}-nic".format(
            self.sub, group, name)
        cloud = self.server.cloud
        with cloud.lock:
            ensure_vm_network(cloud, self.sub, group, TABLE["groups"][group], name, nic, attach=False)
        return nic

    def state(self, path):
        url = self.server.base_url + "/_fake/state"
        value = requests.get(url, verify=self.server.cert_path, timeout=30).json()
        for part in path.split("."):
            value = value[part]
        return value

    def step(self, step, where):
        """Run one step; assert what it expects; return a description of what happened."""
        if "sleep" in step:
            time.sleep(step["sleep"])
            return None
        if "state" in step:
            got, said = self.state(step["state"]), "state " + step["state"]
        else:
            args = self.vm_rest_args(step["put_vm"]) if "put_vm" in step else self.fill(step["az"])
            if step.get("query"):
                args = list(args) + ["--query", step["query"]]
            res = run_az(self.server, *args)
            said = "{}: az {}\nexit {}\nstdout: {}\nstderr: {}".format(where, " ".join(args)[:400], res.rc,
                                                                      res.stdout[-1500:], res.stderr[-2500:])
            expect = step.get("expect") or {}
            assert res.rc == expect.get("exit", 0), said
            if expect.get("code"):
                text = res.stdout + res.stderr
                assert any(form.format(expect["code"]) in text for form in
                           ("({})", '"code": "{}"', '"code":"{}"', "Code: {}")), said
            try:
                got = json.loads(res.stdout) if res.stdout.strip() else None
            except ValueError:  # a command that prints text (get-boot-log)
                got = res.stdout
        if "equals" in step:
            assert got == self.fill(step["equals"]), "{}\ngot {!r}".format(said, got)
        if "contains" in step:
            assert step["contains"] in (got if isinstance(got, str) else json.dumps(got)), said
        if "capture" in step:
            self.values[step["capture"]] = got
        return said


@pytest.fixture(scope="module")
def runner():
    require_az()
    with fake_server() as srv:
        cloud = srv.cloud
        with cloud.lock:
            for group, location in TABLE["groups"].items():
                cloud.resources.create_or_update_group(cloud.default_subscription, group, location)
        r = Runner(srv)
        for i, step in enumerate(TABLE["fixtures"]):
            r.step(step, "fixture #{}".format(i))
        yield r


def test_the_table_is_whole():
    """Every row names what it covers, its source and a step to run; ids are unique."""
    rows = TABLE["rows"]
    assert len({row["id"] for row in rows}) == len(rows)
    for row in rows:
        assert row.get("covers") and row.get("source") and row.get("run"), row.get("id")


@pytest.mark.parametrize("row", TABLE["rows"], ids=lambda row: row["id"])
def test_conformance_row(runner, row):
    where = "row {} ({}; source: {})".format(row["id"], row["covers"], row["source"])
    for step in row.get("given") or []:
        runner.step(step, where + " given")
    runner.step(row["run"], where)
    for step in row.get("then") or []:
        runner.step(step, where + " then")
