"""The fake-arm workstream's rows of the issue-9 conformance table (tests/fixtures/conformance-arm.yaml), run
with the stock az against one ``fakeazure serve`` server. The rows use the table's format (its ``az`` steps), so
they fold into the issue's one table; this runner does only what those rows need."""
import json
import os

import pytest
import yaml

from fakecloud import AZ, fake_server, run_az

pytestmark = pytest.mark.az

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
with open(os.path.join(FIXTURES, "conformance-arm.yaml"), encoding="utf-8") as _fh:
    TABLE = yaml.safe_load(_fh)


class Runner:
    def __init__(self, server):
        self.server = server
        self.values = {"sub": server.cloud.default_subscription, "base": server.base_url,
                       "templates": os.path.join(FIXTURES, "templates")}

    def fill(self, value):
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        for key, val in self.values.items():
            value = value.replace("{" + key + "}", val if isinstance(val, str) else json.dumps(val))
        return value

    def step(self, step, where):
        args = self.fill(step["az"]) + (["--query", step["query"]] if step.get("query") else [])
        res = run_az(self.server, *args)
        said = "{}: az {}\nexit {}\nstdout: {}\nstderr: {}".format(where, " ".join(args)[:400], res.rc,
                                                                  res.stdout[-1500:], res.stderr[-2500:])
        expect = step.get("expect") or {}
        assert res.rc == expect.get("exit", 0), said
        if expect.get("code"):
            assert any(form.format(expect["code"]) in res.stdout + res.stderr
                       for form in ("({})", '"code": "{}"', '"code":"{}"', "Code: {}")), said
        got = json.loads(res.stdout) if res.stdout.strip() else None
        if "equals" in step:
            assert got == step["equals"], "{}\ngot {!r}".format(said, got)
        if "contains" in step:
            assert step["contains"] in (got if isinstance(got, str) else json.dumps(got)), said
        if "capture" in step:
            self.values[step["capture"]] = got


@pytest.fixture(scope="module")
def runner():
    if not os.path.exists(AZ):
        pytest.skip("the stock az is not installed next to this interpreter")
    with fake_server() as srv:
        with srv.cloud.lock:
            for group, location in TABLE["groups"].items():
                srv.cloud.resources.create_or_update_group(srv.cloud.default_subscription, group, location)
        r = Runner(srv)
        for i, step in enumerate(TABLE["fixtures"]):
            r.step(step, "fixture #{}".format(i))
        yield r


def test_every_row_names_what_it_covers_and_its_source():
    rows = TABLE["rows"]
    assert len({row["id"] for row in rows}) == len(rows)
    assert all(row.get("covers") and row.get("source") and row.get("run") for row in rows)


@pytest.mark.parametrize("row", TABLE["rows"], ids=lambda row: row["id"])
def test_conformance_row(runner, row):
    where = "row {} ({}; source: {})".format(row["id"], row["covers"], row["source"])
    for step in row.get("given") or []:
        runner.step(step, where + " given")
    runner.step(row["run"], where)
    for step in row.get("then") or []:
        runner.step(step, where + " then")
