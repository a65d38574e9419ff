"""Classification core: catalog integrity, screen texts, signal rules."""
import json
import os

import pytest

from azext_vmbootfix import article, classify as cl
from azext_vmbootfix.classify import classify, load_catalog, rank_screen
from screens import SCREENS, screen_text

CATALOG = load_catalog()
FIRE = CATALOG["thresholds"]["fire"]
SETUP_SIBLINGS = [
    "OSStartUp-WINDOWS_COULD_NOT_FINISH_CONFIGURING_THE_SYSTEM",
    "OSStartUp-WINDOWS_COULD_NOT_COMPLETE_INSTALLATION",
    "OSStartUp-COMPUTER_RESTARTED_UNEXPECTEDLY_OR_ENCOUNTERED_AN_UNEXPECTED_ERROR",
    "OSStartUp-OOBE_SQL", "OSStartUp-INPLACE_UPGRADE", "OSStartUp-GETTING_WINDOWS_READY",
    "OSStartUp-PREPARING_CONFIGURE_WINDOWS", "OSStartUp-GETTING_READY",
]


def ids():
    return [s["articleId"] for s in CATALOG["signatures"]]


# --- catalog ---------------------------------------------------------------


def test_catalog_ids_are_unique_and_cover_the_family():
    named = [i for i in ids() if i] + [a for s in CATALOG["signatures"] for a in s.get("aliases", [])]
    assert len(named) == len(set(named))
    with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "booterror-article-ids.txt")) as fh:
        family = {line.strip() for line in fh if line.strip() and not line.startswith("#")}
    assert len(family) == 75
    assert family == set(named)
    healthy = [s for s in CATALOG["signatures"] if s["osState"] == "healthy"]
    assert len(healthy) == 1 and healthy[0]["articleId"] is None


def test_every_signature_is_well_formed_and_cites_its_source():
    sources = CATALOG["sources"]
    for sig in CATALOG["signatures"]:
        assert sig["title"] and sig["osState"] in cl.OS_STATES, sig
        assert sig["screen"] or sig.get("group") or sig.get("detectable") is False, sig["articleId"]
        if sig.get("detectable") is False:
            assert sig["why"] and not sig["screen"]
        if sig["articleId"]:
            assert sig["source"]["article"] or sig["source"]["learn"], sig["articleId"]
            assert sig["next"].get("article") or sig["next"].get("repair") or sig["next"].get("runId")
        for entry in cl.cat.phrases(sig, CATALOG) + sig.get("screenUnless", []) + sig.get("codes", []):
            assert ("text" in entry) != ("regex" in entry), entry
            assert 0 < entry["weight"] <= 1, entry
            assert entry.get("lang", "en") in CATALOG["languages"], entry
            assert entry.get("src") is None or entry["src"] in sources, entry
        for name in sig.get("weights", {}):
            assert name in CATALOG["defaultWeights"], name


def test_next_steps_name_real_repair_script_ids():
    # Azure/repair-script-library map.json ids (snapshot 2026-08), see oobe-domain.md section 5
    known = {"win-sac-on", "win-LKGC", "win-chkdsk-fs-corruption", "win-sfc-sf-corruption", "win-bcdedit-ignoreAllFailure",
             "linux-alar2", "win-toggle-safe-mode", "win-remove-patch", "win-enable-nested-hyperv"}
    used = {s["next"]["runId"] for s in CATALOG["signatures"] if s["next"].get("runId")}
    assert used and used <= known


@pytest.mark.parametrize("article_id", [i for i in ids() if i])
def test_every_article_exists_in_the_seed_format(article_id):
    meta, body = article.load(article_id)
    assert meta["articleId"] == article_id
    assert meta["pageTitle"] and meta["description"]
    assert meta["diagnosticScenario"] == "booterror"
    assert "<!--issueDescription-->" in body and "<!--/issueDescription-->" in body
    assert "<!--$vmname-->[vmname]<!--/$vmname-->" in body
    assert "## **Recommended Steps**" in body
    assert "web01" in article.render(article_id, "web01")["content"]


def test_oobe_signature_covers_every_windows_version_screen():
    texts = " | ".join(e.get("text", "") for e in cl.cat.find(CATALOG, "OSStartUp-OOBE")["screen"])
    for phrase in ["Hi there", "Let's start with region", "Is this the right country or region?",
                   "Customize settings", "Type a password for the built-in administrator account",
                   "Country or region", "App language", "Keyboard layout",
                   "Is this the right keyboard layout"]:
        assert phrase in texts


# --- screen texts ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_each_screen_text_is_recognised(name):
    expected_id, expected_state, _ = SCREENS[name]
    out = classify({"screen_text": screen_text(name)})
    assert (out["articleId"], out["osState"]) == (expected_id, expected_state)
    assert out["confidence"] >= 0.75
    assert out["evidence"][0]["signal"] == "screenshot" and out["evidence"][0]["matched"]


def test_confusion_matrix_has_no_off_diagonal_firing():
    """No signature reaches the firing threshold on another signature's screen (a code's generic sibling
    of the same group, e.g. BLUESCREEN_GENERIC on a stop screen with a known code, ranks below it instead)."""
    off_diagonal = []
    for name, (expected_id, expected_state, _) in SCREENS.items():
        ranked = rank_screen(screen_text(name))
        for score in ranked:
            sig = score.signature
            generic_sibling = sig.get("group") and not sig.get("codes") and ranked[0].signature.get("codes") \
                and ranked[0].signature.get("group") == sig.get("group")
            if (sig["articleId"], sig["osState"]) != (expected_id, expected_state) and score.score >= FIRE \
                    and not generic_sibling:
                off_diagonal.append((name, sig["articleId"], round(score.score, 2)))
    assert off_diagonal == []


@pytest.mark.parametrize("text", [
    "Getting Windows ready\nDon't turn off your computer",
    "Press Ctrl+Alt+Delete to unlock.\n10:42\nTuesday, June 4",
    "Windows could not complete the installation. To install Windows on this computer, restart the installation.",
    "Working on updates 30% complete",
])
def test_named_false_positives_do_not_match_oobe(text):
    assert classify({"screen_text": text})["articleId"] != "OSStartUp-OOBE"


def test_could_not_complete_and_could_not_finish_are_told_apart():
    finish = classify({"screen_text": "Windows could not finish configuring the system."})
    complete = classify({"screen_text": "Windows could not complete the installation."})
    assert finish["articleId"] == "OSStartUp-WINDOWS_COULD_NOT_FINISH_CONFIGURING_THE_SYSTEM"
    assert complete["articleId"] == "OSStartUp-WINDOWS_COULD_NOT_COMPLETE_INSTALLATION"


def test_logon_screen_is_healthy_without_article():
    out = classify({"screen_text": "Press Ctrl+Alt+Delete to sign in.", "power_state": "running",
                    "agent_status": "Ready"})
    assert out["articleId"] is None and out["osState"] == "healthy" and out["confidence"] >= 0.9


def test_hi_there_alone_is_weaker_than_the_password_sentence():
    weak = classify({"screen_text": "Hi there"})
    strong = classify({"screen_text": "Type a password for the built-in administrator account"})
    assert weak["articleId"] == strong["articleId"] == "OSStartUp-OOBE"
    assert weak["confidence"] < strong["confidence"]
    assert weak["confidence"] <= 0.7


def test_ocr_flavoured_text_is_recognised():
    ocr_like = ("Cu5tomize sett1ngs\n\nType a passvvord for the bui1t-in adrninistrator\n"
                "acc0unt that you can use to sign in to this cornputer.\nReenter pass word")
    out = classify({"screen_text": ocr_like})
    assert out["articleId"] == "OSStartUp-OOBE" and out["confidence"] >= 0.9


@pytest.mark.parametrize("text", ["", "   \n ", "~~ |", "@#% ^&*", "Microsoft Azure", "Windows Server 2019"])
def test_blank_or_unrelated_screens_are_unknown(text):
    out = classify({"screen_text": text})
    assert out["articleId"] is None and out["osState"] == "unknown" and out["confidence"] == 0.0


def test_unrelated_long_text_does_not_fire():
    text = ("The quick brown fox jumps over the lazy dog. Lorem ipsum dolor sit amet, consectetur "
            "adipiscing elit. There is nothing here about setup, settings or regions of the world.")
    assert classify({"screen_text": text})["osState"] == "unknown"


# --- other signals --------------------------------------------------------


def test_generalized_by_api_is_high_confidence_without_a_screenshot():
    out = classify({"os_state_generalized": True, "power_state": "deallocated", "screen_text": None,
                    "images": [{"id": "/x/images/img1", "osState": "Generalized"}]})
    assert out["articleId"] == "OSStartUp-OOBE" and out["osState"] == "generalized-by-api"
    assert out["confidence"] >= 0.9
    assert any(e["signal"] == "images" and e["weight"] > 0 for e in out["evidence"])
    bare = classify({"os_state_generalized": True, "power_state": "deallocated"})
    assert 0.85 <= bare["confidence"] < out["confidence"]


def test_generalized_by_api_wins_over_an_old_screenshot():
    out = classify({"os_state_generalized": True, "screen_text": screen_text("healthy_unlock")})
    assert out["osState"] == "generalized-by-api"
    shot = [e for e in out["evidence"] if e["signal"] == "screenshot"]
    assert shot and shot[0]["weight"] == 0.0


def test_running_agent_not_ready_without_screenshot_is_a_capped_suspicion():
    out = classify({"power_state": "running", "agent_status": "Not Ready", "screen_text": None,
                    "screen_error": "boot diagnostics disabled", "provisioning_state": "OSProvisioningTimedOut",
                    "images": [{"osState": "Generalized"}]})
    assert out["articleId"] == "OSStartUp-OOBE" and out["osState"] == "unknown"
    assert 0.3 < out["confidence"] <= 0.5
    low = classify({"power_state": "running", "agent_status": "Not Ready"})
    assert 0 < low["confidence"] < out["confidence"]


def test_agent_not_ready_supports_and_ready_contradicts_oobe():
    text = screen_text("oobe_hi_there")
    plain = classify({"screen_text": text})["confidence"]
    support = classify({"screen_text": text, "power_state": "running", "agent_status": "Not Ready"})
    against = classify({"screen_text": text, "power_state": "running", "agent_status": "Ready"})
    assert against["confidence"] < plain < support["confidence"]
    assert support["articleId"] == against["articleId"] == "OSStartUp-OOBE"
    assert any(e["signal"] == "guestAgent" and e["weight"] < 0 for e in against["evidence"])


def test_stale_screenshot_of_a_stopped_vm_lowers_confidence():
    text = screen_text("oobe_customize")
    running = classify({"screen_text": text, "power_state": "running"})["confidence"]
    stopped = classify({"screen_text": text, "power_state": "deallocated"})["confidence"]
    assert stopped < running


def test_agent_ready_without_screen_is_healthy_moderate():
    out = classify({"power_state": "running", "agent_status": "Ready"})
    assert out["osState"] == "healthy" and out["articleId"] is None and 0.5 <= out["confidence"] <= 0.7


def test_linux_is_not_applicable():
    out = classify({"os_type": "Linux", "screen_text": "Hi there"})
    assert out["articleId"] is None and out["osState"] == "not-applicable"


def test_linux_at_a_grub_prompt_is_a_boot_error():
    out = classify({"os_type": "Linux", "screen_text": "error: unknown filesystem.\nEntering rescue mode...\ngrub rescue> "})
    assert (out["articleId"], out["osState"]) == ("OSStartUp-GRUB_RESCUE_PROMPT", "boot-failed")


def test_empty_serial_log_is_not_evidence_and_sac_banner_is():
    empty = classify({"screen_text": screen_text("bootmgr"), "serial_log": ""})
    note = [e for e in empty["evidence"] if e["signal"] == "serialLog"]
    assert note and all(e["weight"] == 0 for e in note) and "not evidence" in note[0]["observed"]
    sac = "<machine-info>\n<name>VM1</name>\n</machine-info>\nComputer is booting, SAC started and initialized.\nSAC>"
    booted = classify({"screen_text": screen_text("bootmgr"), "serial_log": sac})
    assert booted["confidence"] < empty["confidence"]
    assert any(e["signal"] == "serialLog" and e["matched"] for e in booted["evidence"])


def test_nothing_known_is_unknown():
    out = classify({})
    assert out == {"articleId": None, "title": "No known boot screen recognised", "confidence": 0.0,
                   "osState": "unknown", "evidence": out["evidence"], "alternatives": []}


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_output_is_plain_json_with_the_documented_shape(name):
    out = classify({"screen_text": screen_text(name), "power_state": "running", "agent_status": "Not Ready",
                    "serial_log": "SAC>", "images": []})
    assert json.loads(json.dumps(out)) == out
    assert out["confidence"] == round(out["confidence"], 2) and 0 <= out["confidence"] <= 1
    for item in out["evidence"]:
        assert set(item) == {"signal", "observed", "source", "weight", "matched"}
        assert isinstance(item["weight"], float)


def test_catalog_can_be_extended_as_data(tmp_path):
    import shutil
    from azext_vmbootfix import catalog as cat
    folder = tmp_path / "catalog"
    shutil.copytree(cat.CATALOG_DIR, folder)
    extra = {"family": "extra", "signatures": [{
        "articleId": "Test-LOGON_BANNER", "title": "A banner", "osState": "setup-in-progress", "family": "extra",
        "screen": [{"text": "Legal notice from the IT department", "weight": 0.8}]}]}
    (folder / "extra.json").write_text(json.dumps(extra))
    out = classify({"screen_text": "Legal notice from the IT department"}, catalog=load_catalog(str(folder)))
    assert out["articleId"] == "Test-LOGON_BANNER"
    assert classify({"screen_text": "Legal notice from the IT department"})["articleId"] is None