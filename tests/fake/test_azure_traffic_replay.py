"""Real Azure traffic as the judge: every recording chosen by the rule in tests/fixtures/azure-traffic/README.md
(63 azure-cli recordings of the vm and resource modules) and the fidelity pack, replayed request by request
against an empty in-process fake (tests/replay/), compared on status code, ARM error code and body key set.

The figures are a ratchet: the test fails when agreement drops below what was measured (FLOOR); the
workstream that fixes the fake's disagreements (tests/fixtures/azure-traffic/DISAGREEMENTS.md) raises
FLOOR as it goes, towards the target of issue 9 (TARGET). ``pytest -s`` (or ``bash scripts/dev.sh replay``)
prints the per-recording table, the disagreements by cause and the overall figures.
"""
import pytest

from replay import report

# Issue 9, "Done means": >= 99 % of status codes and >= 90 % of body key sets agree.
TARGET = {"status": 99.0, "bodies": 90.0}

# Percentages rounded down. First measured at main f9b8751 (status 83.6, codes 21.6, bodies 57.8 for azure-cli);
# raised by fake-arm, fake-routes, fake-strict and fake-time, measured together after their merge with tests-bite,
# then by fidelity-replay (the pack's runs in Azure's order and on Azure's time, what it never made arranged from
# its own bodies, the recorder's deployment names given back; three body fixes)
# (tests/fixtures/azure-traffic/DISAGREEMENTS.md, first table).
# Raise these when the fake agrees more; never lower them to make a change pass.
FLOOR = {
    "azure-cli": {"requests": 716, "status": 99.8, "codes": 100.0, "bodies": 97.8},
    "fidelity": {"requests": 46, "status": 97.8, "codes": 75.0, "bodies": 64.7},
    "overall": {"requests": 762, "status": 99.7, "codes": 96.7, "bodies": 97.0},
}


@pytest.fixture(scope="module")
def results():
    return report.run_all()


def test_prints_the_agreement(results):
    print()
    print(report.format_recordings(results))
    print()
    print("Disagreements by cause")
    print(report.format_causes(results))
    print()
    print(report.format_summary(results))
    print("target: status {status} %, body keys {bodies} %".format(**TARGET))
    assert len([r for r in results if r.source == "azure-cli"]) >= 40


@pytest.mark.parametrize("source", sorted(FLOOR))
def test_agreement_does_not_drop(results, source):
    f = report.figures(results, None if source == "overall" else source)
    floor = FLOOR[source]
    summary = "{}: {}".format(source, f.line())
    # as many requests compared as when measured: a replay that stops comparing cannot pass on percentages
    assert f.requests >= floor["requests"], summary
    assert f.status_pct >= floor["status"], summary
    assert f.codes_pct >= floor["codes"], summary
    assert f.bodies_pct >= floor["bodies"], summary


def test_issue_9_target_is_met_over_both_corpora(results):
    f = report.figures(results)
    assert f.status_pct >= TARGET["status"] and f.bodies_pct >= TARGET["bodies"], f.line()


def test_every_disagreement_has_a_cause(results):
    for r in results:
        for o in r.outcomes:
            assert o.comparison.agrees == (o.cause is None), (r.name, o.index, o.cause)


def test_replay_is_deterministic(results):
    again = report.run_all()
    assert [report.figures([r]).line() for r in again] == [report.figures([r]).line() for r in results]
    assert report.format_causes(again) == report.format_causes(results)
