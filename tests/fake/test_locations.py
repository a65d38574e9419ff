"""K8: the subscription's locations as Azure lists them, shaped per api-version (fakeazure/core/locations.py)."""
import json
import os

import yaml

from fakeazure.cloud import Cloud
from test_arm_deployments import Arm

RECORDING = os.path.join(os.path.dirname(__file__), "..", "fixtures", "azure-traffic", "recordings", "resource",
                         "test_aaz_resource_location_arg_fmt.yaml")


def _recorded():
    with open(RECORDING, encoding="utf-8") as fh:
        return json.loads(yaml.safe_load(fh)["interactions"][1]["response"]["body"]["string"])["value"]


def test_the_2019_11_01_list_is_azures():
    arm = Arm(Cloud(profile="fast", subscription_id="00000000-0000-0000-0000-000000000000"))
    ours = arm.call("GET", "/subscriptions/{}/locations".format(arm.sub), api="2019-11-01").json()["value"]
    assert ours == _recorded()


def test_the_shape_follows_the_api_version():
    arm = Arm(Cloud(profile="fast"))
    path = "/subscriptions/{}/locations".format(arm.sub)
    old = arm.call("GET", path, api="2016-06-01").json()["value"]
    eastus = next(loc for loc in old if loc["name"] == "eastus")
    assert eastus == {"id": path + "/eastus", "name": "eastus", "displayName": "East US", "latitude": "37.3719",
                      "longitude": "-79.8164"}
    new = arm.call("GET", path, api="2022-12-01").json()["value"]
    eastus = next(loc for loc in new if loc["name"] == "eastus")
    assert eastus["type"] == "Region" and eastus["metadata"]["pairedRegion"] == [
        {"name": "westus", "id": path + "/westus"}]
    assert {loc["name"] for loc in new} >= {"centraluseuap", "southcentralus", "eastus2", "westus", "global"}
