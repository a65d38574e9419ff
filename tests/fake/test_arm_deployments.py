"""ARM's template deployments beyond one group: bodies read as Json.NET reads them, subscription scope,
nested (cross-group) deployments, what-if. In-process, plain HTTP (fakeazure/resources/deployment_*.py)."""
import json

import pytest

from fakeazure.cloud import Cloud
from fakeazure.inprocess import BASE_URL, session

API = "2022-09-01"
NSG_API = "2022-01-01"


class Arm:
    """Plain HTTP against the in-process fake; ``wait`` follows an operation on the virtual clock."""

    def __init__(self, cloud):
        self.cloud = cloud
        self.http = session(cloud)
        self.sub = cloud.default_subscription

    def call(self, method, path, body=None, api=API, raw=None):
        token, _ = self.cloud.identity.mint()
        url = path if path.startswith("http") else BASE_URL + path
        if "api-version=" not in url:
            url += ("&" if "?" in url else "?") + "api-version=" + api
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        return self.http.request(method, url, data=data, headers={"Authorization": "Bearer " + token,
                                                                  "Content-Type": "application/json"})

    def wait(self, resp):
        """The final answer of the operation ``resp`` started (Location, else Azure-AsyncOperation)."""
        url = resp.headers.get("Location") or resp.headers.get("Azure-AsyncOperation")
        for _ in range(200):
            r = self.call("GET", url)
            running = r.status_code == 202 or (r.status_code == 200 and r.content and
                                               r.json().get("status") in ("InProgress", "Running", "Accepted"))
            if not running:
                return r
            self.cloud.clock.advance(float(r.headers.get("Retry-After") or 1) or 1)
        raise AssertionError("the operation never ended")

    def group(self, name, location="westus"):
        r = self.call("PUT", "/subscriptions/{}/resourcegroups/{}".format(self.sub, name), {"location": location})
        assert r.status_code in (200, 201), r.text
        return r.json()

    def dep_path(self, name, rg=None):
        scope = "/subscriptions/{}".format(self.sub) + ("/resourcegroups/{}".format(rg) if rg else "")
        return scope + "/providers/Microsoft.Resources/deployments/" + name


@pytest.fixture
def arm():
    a = Arm(Cloud(profile="fast"))
    a.group("rg1")
    return a


NSG_TEMPLATE = {
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "parameters": {"NsgName": {"type": "string"}, "Location": {"type": "string",
                                                                 "defaultValue": "[resourceGroup().location]"}},
    "resources": [{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": NSG_API,
                   "name": "[parameters('NsgName')]", "location": "[parameters('Location')]",
                   "tags": {"env": "test"}, "properties": {"securityRules": []}}],
    "outputs": {"NsgId": {"type": "string",
                          "value": "[resourceId('Microsoft.Network/networkSecurityGroups', parameters('NsgName'))]"}}}


def _deploy(arm, name, template, parameters=None, rg="rg1", raw=None, location=None):
    body = {"properties": {"mode": "Incremental", "template": template,
                           "parameters": {k: {"value": v} for k, v in (parameters or {}).items()}}}
    if location:
        body["location"] = location
    return arm.call("PUT", arm.dep_path(name, rg), body, raw=raw)


# -- bodies as Json.NET reads them --------------------------------------------------------------
def test_a_deployment_body_with_comments_and_unquoted_names_is_read_as_arm_reads_it(arm):
    raw = ('{"properties": {"parameters": {"NsgName": {value: "nsg1"}}, "mode": "Incremental", template: '
           + json.dumps(NSG_TEMPLATE)[:-1] + ' /* the end */ } // done\n}}')
    for method, suffix, status in (("POST", "/validate", 200), ("PUT", "", 201)):
        r = arm.call(method, arm.dep_path("d1", "rg1") + suffix, raw=raw)
        assert r.status_code == status, r.text
    assert arm.wait(r).json() == {"status": "Succeeded"}
    dep = arm.call("GET", arm.dep_path("d1", "rg1")).json()
    # names camel-cased as ARM writes them (recordings test_group_deployment_crossrg, test_resource_group_deployment)
    assert set(dep["properties"]["parameters"]) == {"nsgName", "location"}
    assert dep["properties"]["outputs"]["nsgId"]["value"].endswith("/networkSecurityGroups/nsg1")
    assert dep["properties"]["providers"] == [{"namespace": "Microsoft.Network", "resourceTypes": [
        {"resourceType": "networkSecurityGroups", "locations": ["westus"]}]}]


def test_other_providers_still_read_strict_json(arm):
    r = arm.call("PUT", "/subscriptions/{}/resourcegroups/rg2".format(arm.sub), raw='{location: "westus"}')
    assert r.status_code == 400 and r.json()["error"]["code"] == "InvalidRequestContent"
    r = arm.call("PUT", arm.dep_path("d1", "rg1"), raw='{"properties": {mode: "Incremental", template: {x: 1,,}}}')
    assert r.status_code == 400 and r.json()["error"]["code"] == "InvalidRequestContent"
    assert r.json()["error"]["message"] == (
        "The request content was invalid and could not be deserialized: 'Invalid property identifier character: ,. "
        "Path 'properties.template.x', line 1, position 54.'.")


def test_a_template_without_parameters_or_outputs_leaves_them_out(arm):
    tpl = {"$schema": NSG_TEMPLATE["$schema"], "contentVersion": "1.0.0.0", "resources": []}
    arm.wait(_deploy(arm, "empty", tpl))
    props = arm.call("GET", arm.dep_path("empty", "rg1")).json()["properties"]
    assert "parameters" not in props and "outputs" not in props and props["outputResources"] == []
    arm.wait(_deploy(arm, "declared", dict(tpl, parameters={})))
    assert arm.call("GET", arm.dep_path("declared", "rg1")).json()["properties"]["parameters"] == {}


# -- scopes -------------------------------------------------------------------------------------
def test_location_is_required_at_subscription_scope_and_refused_at_group_scope(arm):
    tpl = {"$schema": NSG_TEMPLATE["$schema"], "contentVersion": "1.0.0.0", "resources": []}
    r = _deploy(arm, "s1", tpl, rg=None)
    assert r.status_code == 400 and r.json()["error"]["code"] == "InvalidDeployment"
    assert "The 'location' property must be specified for 's1'" in r.json()["error"]["message"]
    r = _deploy(arm, "g1", tpl, location="westus")
    assert r.status_code == 400 and r.json()["error"]["code"] == "InvalidDeployment"
    assert "is not allowed for 'g1' at resource group scope" in r.json()["error"]["message"]


def test_a_subscription_deployment_makes_a_group_and_deploys_into_it(arm):
    tpl = {"$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
           "contentVersion": "1.0.0.0", "parameters": {"rgName": {"type": "string"}},
           "resources": [
               {"type": "Microsoft.Resources/resourceGroups", "apiVersion": API, "name": "[parameters('rgName')]",
                "location": "[deployment().location]", "tags": {"made": "by-sub-deployment"}},
               {"type": "Microsoft.Resources/deployments", "apiVersion": API, "name": "inner",
                "resourceGroup": "[parameters('rgName')]",
                "dependsOn": ["[subscriptionResourceId('Microsoft.Resources/resourceGroups', parameters('rgName'))]"],
                "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"},
                               "template": NSG_TEMPLATE, "parameters": {"NsgName": {"value": "nsg-sub"}}}}]}
    r = _deploy(arm, "sub1", tpl, {"rgName": "rg-made"}, rg=None, location="West Europe")
    assert r.status_code == 201, r.text
    assert r.json()["id"] == "/subscriptions/{}/providers/Microsoft.Resources/deployments/sub1".format(arm.sub)
    assert r.json()["location"] == "westeurope"
    assert "/subscriptions/{}/providers/Microsoft.Resources/deployments/sub1/operationStatuses/".format(arm.sub) \
        in r.headers["Azure-AsyncOperation"]
    assert arm.wait(r).json() == {"status": "Succeeded"}, arm.call("GET", arm.dep_path("sub1")).text
    group = arm.call("GET", "/subscriptions/{}/resourcegroups/rg-made".format(arm.sub)).json()
    assert group["location"] == "westeurope" and group["tags"] == {"made": "by-sub-deployment"}
    nsg = arm.call("GET", "/subscriptions/{}/resourceGroups/rg-made/providers/Microsoft.Network/"
                          "networkSecurityGroups/nsg-sub".format(arm.sub), api=NSG_API)
    assert nsg.status_code == 200 and nsg.json()["location"] == "westeurope"  # the inner template's own group
    listed = arm.call("GET", "/subscriptions/{}/providers/Microsoft.Resources/deployments".format(arm.sub)).json()
    assert [d["name"] for d in listed["value"]] == ["sub1"]
    ops = arm.call("GET", "/subscriptions/{}/providers/Microsoft.Resources/deployments/sub1/operations"
                   .format(arm.sub)).json()["value"]
    assert {o["properties"]["targetResource"]["resourceType"] for o in ops} == {
        "Microsoft.Resources/resourceGroups", "Microsoft.Resources/deployments"}
    assert all("serviceRequestId" not in o["properties"] for o in ops)  # only the GET of one has it (recording)
    one = arm.call("GET", "/subscriptions/{}/providers/Microsoft.Resources/deployments/sub1/operations/{}"
                   .format(arm.sub, ops[0]["operationId"])).json()
    assert one["properties"]["serviceRequestId"]
    out = arm.call("GET", arm.dep_path("sub1")).json()["properties"]["outputResources"]
    assert [o["id"].rsplit("/", 1)[-1] for o in out] == ["rg-made", "nsg-sub"]  # the nested deployment's, not it


def test_resource_group_function_is_refused_at_subscription_scope(arm):
    tpl = {"$schema": NSG_TEMPLATE["$schema"], "contentVersion": "1.0.0.0", "resources": [],
           "outputs": {"g": {"type": "string", "value": "[resourceGroup().name]"}}}
    r = _deploy(arm, "s2", tpl, rg=None, location="westus")
    assert arm.wait(r).json()["status"] == "Failed"
    err = arm.call("GET", arm.dep_path("s2")).json()["properties"]["error"]
    assert "The template function 'RESOURCEGROUP' is not expected at this location" in json.dumps(err)


def test_a_nested_deployment_deploys_into_the_group_it_names_with_outer_scope_expressions(arm):
    arm.group("rg-alt", "eastus")
    tpl = {"$schema": NSG_TEMPLATE["$schema"], "contentVersion": "1.0.0.0",
           "parameters": {"Other": {"type": "string"}, "Name": {"type": "string", "defaultValue": "nsg-x"}},
           "resources": [{"type": "Microsoft.Resources/deployments", "apiVersion": "2017-05-10", "name": "nested",
                          "resourceGroup": "[parameters('Other')]",
                          "properties": {"mode": "Incremental", "template": {
                              "$schema": NSG_TEMPLATE["$schema"], "contentVersion": "1.0.0.0",
                              "resources": [{"type": "Microsoft.Network/networkSecurityGroups",
                                             "apiVersion": NSG_API, "name": "[parameters('Name')]",
                                             "location": "[resourceGroup().location]"}]}}}]}
    missing = arm.call("POST", arm.dep_path("x", "rg1") + "/validate", {"properties": {
        "mode": "Incremental", "template": tpl, "parameters": {"Other": {"value": "SomeRandomRG"}}}})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "ResourceGroupNotFound"
    r = _deploy(arm, "x", tpl, {"Other": "rg-alt"})
    assert arm.wait(r).json() == {"status": "Succeeded"}
    # outer scope: resourceGroup() is the outer deployment's group (rg1, westus), the NSG goes into rg-alt
    nsg = arm.call("GET", "/subscriptions/{}/resourceGroups/rg-alt/providers/Microsoft.Network/"
                          "networkSecurityGroups/nsg-x".format(arm.sub), api=NSG_API).json()
    assert nsg["location"] == "westus"
    assert arm.call("GET", arm.dep_path("nested", "rg-alt")).json()["properties"]["provisioningState"] == "Succeeded"
    out = arm.call("GET", arm.dep_path("x", "rg1")).json()["properties"]["outputResources"]
    assert [o["id"] for o in out] == [nsg["id"]]


# -- what-if ------------------------------------------------------------------------------------
def _what_if(arm, template, parameters, rg="rg1", fmt=None, location=None):
    body = {"properties": {"mode": "Incremental", "template": template,
                           "parameters": {k: {"value": v} for k, v in parameters.items()}}}
    if fmt:
        body["properties"]["whatIfSettings"] = {"resultFormat": fmt}
    if location:
        body["location"] = location
    r = arm.call("POST", arm.dep_path("wi", rg) + "/whatIf", body)
    assert r.status_code == 202 and "Azure-AsyncOperation" not in r.headers, r.text
    assert "/subscriptions/{}/operationresults/".format(arm.sub) in r.headers["Location"]
    done = arm.wait(r)
    assert done.status_code == 200, done.text
    return done.json()


def test_what_if_create_modify_no_change_and_ignore(arm):
    other = arm.call("PUT", "/subscriptions/{}/resourceGroups/rg1/providers/Microsoft.Network/"
                            "networkSecurityGroups/bystander".format(arm.sub), {"location": "westus"}, api=NSG_API)
    arm.wait(other)
    result = _what_if(arm, NSG_TEMPLATE, {"NsgName": "nsg1"})
    assert result["status"] == "Succeeded" and result["properties"]["correlationId"]
    changes = {c["resourceId"].rsplit("/", 1)[-1]: c for c in result["properties"]["changes"]}
    assert changes["nsg1"]["changeType"] == "Create" and "before" not in changes["nsg1"]
    after = changes["nsg1"]["after"]
    assert list(after) == sorted(after, key=str.lower) and after["apiVersion"] == NSG_API
    assert after["tags"] == {"env": "test"} and after["location"] == "westus"
    assert changes["bystander"] == {"resourceId": other.json()["id"], "changeType": "Ignore"}
    assert arm.call("GET", arm.dep_path("wi", "rg1")).status_code == 404  # what-if deploys nothing

    arm.wait(_deploy(arm, "d1", NSG_TEMPLATE, {"NsgName": "nsg1"}))
    same = _what_if(arm, NSG_TEMPLATE, {"NsgName": "nsg1"})
    assert {c["resourceId"].rsplit("/", 1)[-1]: c["changeType"] for c in same["properties"]["changes"]} == \
        {"nsg1": "NoChange", "bystander": "Ignore"}

    changed = json.loads(json.dumps(NSG_TEMPLATE))
    changed["resources"][0]["tags"] = {"env": "prod", "owner": "me"}
    mod = [c for c in _what_if(arm, changed, {"NsgName": "nsg1"})["properties"]["changes"]
           if c["resourceId"].endswith("/nsg1")][0]
    assert mod["changeType"] == "Modify"
    assert mod["delta"] == [{"path": "tags", "propertyChangeType": "Modify", "before": {"env": "test"},
                             "after": {"env": "prod", "owner": "me"}}] or \
        mod["delta"] == [{"path": "tags.env", "propertyChangeType": "Modify", "before": "test", "after": "prod"},
                         {"path": "tags.owner", "propertyChangeType": "Create", "after": "me"}]
    assert mod["before"]["tags"] == {"env": "test"} and mod["after"]["tags"] == {"env": "prod", "owner": "me"}
    assert "provisioningState" not in mod["before"]["properties"] and "etag" not in mod["before"]


def test_what_if_resource_id_only_and_a_bad_template(arm):
    result = _what_if(arm, NSG_TEMPLATE, {"NsgName": "nsg9"}, fmt="ResourceIdOnly")
    assert result["properties"]["changes"] == [{
        "resourceId": "/subscriptions/{}/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/nsg9"
        .format(arm.sub), "changeType": "Create"}]
    r = arm.call("POST", arm.dep_path("wi", "rg1") + "/whatIf", {"properties": {
        "mode": "Incremental", "template": NSG_TEMPLATE, "parameters": {}}})
    assert r.status_code == 400 and r.json()["error"]["code"] == "InvalidTemplate"  # NsgName has no value


def test_what_if_at_subscription_scope(arm):
    tpl = {"$schema": NSG_TEMPLATE["$schema"], "contentVersion": "1.0.0.0", "resources": [
        {"type": "Microsoft.Resources/resourceGroups", "apiVersion": API, "name": "rg1", "location": "westus",
         "tags": {"a": "b"}}]}
    result = _what_if(arm, tpl, {}, rg=None, location="westus")
    (change,) = result["properties"]["changes"]
    assert change["resourceId"] == "/subscriptions/{}/resourceGroups/rg1".format(arm.sub)
    assert change["changeType"] == "Modify"
    assert change["delta"] == [{"path": "tags", "propertyChangeType": "Create", "after": {"a": "b"}}]


def test_on_error_deployment_names_the_last_successful_one_and_redeploys_it(arm):
    arm.wait(_deploy(arm, "good", NSG_TEMPLATE, {"NsgName": "nsg-good"}))
    first_run = arm.call("GET", arm.dep_path("good", "rg1")).json()["properties"]["correlationId"]
    failing = json.loads(json.dumps(NSG_TEMPLATE))
    failing["resources"][0]["properties"]["securityRules"] = [{"name": "bad", "properties": {"priority": 1}}]
    failing["resources"].append({"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2019-04-01",
                                 "name": "stor1", "location": "westus", "properties": {}})
    body = {"properties": {"mode": "Incremental", "template": failing, "onErrorDeployment": {"type": "LastSuccessful"},
                           "parameters": {"NsgName": {"value": "nsg-bad"}}}}
    r = arm.call("PUT", arm.dep_path("bad", "rg1"), body)
    assert r.status_code == 201, r.text
    assert r.json()["properties"]["onErrorDeployment"] == {"type": "LastSuccessful", "deploymentName": "good"}
    assert arm.wait(r).json()["status"] == "Failed"
    for _ in range(3):  # the rollback is a deployment of its own
        arm.cloud.clock.advance(1)
        arm.cloud.operations.finish_all()
    good = arm.call("GET", arm.dep_path("good", "rg1")).json()["properties"]
    assert good["provisioningState"] == "Succeeded" and good["correlationId"] != first_run  # it ran again
    specific = dict(body, properties=dict(body["properties"], onErrorDeployment={
        "type": "SpecificDeployment", "deploymentName": "good"}))
    r = arm.call("POST", arm.dep_path("bad2", "rg1") + "/validate", specific)
    assert r.json()["properties"]["onErrorDeployment"] == {"type": "SpecificDeployment", "deploymentName": "good"}


def test_a_missing_parameter_is_refused_where_the_body_declared_it_as_recorded(arm):
    """test_resource_group_deployment#12 of Azure/azure-cli: the recorded request gets the recorded error."""
    import os
    import yaml
    path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "azure-traffic", "recordings", "resource",
                        "test_resource_group_deployment.yaml")
    with open(path, encoding="utf-8") as fh:
        exchange = yaml.safe_load(fh)["interactions"][12]
    r = arm.call("POST", arm.dep_path("mock-deployment", "rg1") + "/validate", raw=exchange["request"]["body"])
    assert r.status_code == 400
    assert r.json() == json.loads(exchange["response"]["body"]["string"])
