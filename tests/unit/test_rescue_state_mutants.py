"""Edges of repair/rescue_state.py the mutation run found unguarded: how ``reg query`` output is read (empty data,
trailing spaces, REG_QWORD, a missing Select key), every fact setup_state returns, what a refusal prints for a
missing value, the state no row matches, the locales read from hex in either case, and %SystemRoot% answer
files. The reg query lines follow tests/fixtures/windows/reg-query-image-state.txt (Windows' own format)."""
import pytest

from azext_vmbootfix.repair import rescue_state as RS

SETUP_KEY = "HKEY_LOCAL_MACHINE\\BOOTFIXSYS\\Setup"


def _reg(key, *values):
    """One key as ``reg query`` prints it: the key at column 0, then name, type and data four spaces apart."""
    return "\r\n".join([key] + ["    {}    {}    {}".format(*v) for v in values]) + "\r\n\r\n"


def test_empty_data_reads_empty_and_trailing_spaces_are_part_of_the_data():
    text = _reg(SETUP_KEY, ("CmdLine", "REG_SZ", ""), ("UnattendFile", "REG_SZ", "C:\\x.xml  "))
    keys = RS.parse_reg_query(text)
    assert keys["bootfixsys\\setup"]["cmdline"] == ("CmdLine", "REG_SZ", "")
    assert keys["bootfixsys\\setup"]["unattendfile"] == ("UnattendFile", "REG_SZ", "C:\\x.xml  ")
    state = RS.setup_state(text)
    assert state["CmdLine"] == ""
    with pytest.raises(RS.Refused) as exc:    # an emptied CmdLine is reported as it is, not as some other text
        RS.decide(dict(state, ImageState="IMAGE_STATE_SPECIALIZE_RESEAL_TO_OOBE", SetupType=2))
    assert "CmdLine '')" in str(exc.value)


def test_dword_and_qword_are_read_as_hex_and_no_data_as_zero():
    text = _reg(SETUP_KEY, ("SetupType", "REG_DWORD", "0x2"), ("OOBEInProgress", "REG_DWORD", ""),
                ("SetupPhase", "REG_QWORD", "0x10"))
    state = RS.setup_state(text)
    assert state["SetupType"] == 2 and state["OOBEInProgress"] == 0 and state["SetupPhase"] == 16


def test_every_fact_is_returned_under_its_name():
    text = _reg(SETUP_KEY, ("SystemSetupInProgress", "REG_DWORD", "0x1"), ("SetupPhase", "REG_DWORD", "0x4"))
    state = RS.setup_state(text)
    assert state["SystemSetupInProgress"] == 1 and state["SetupPhase"] == 4


def test_without_select_current_the_locales_come_from_controlset001():
    text = _reg("HKEY_LOCAL_MACHINE\\BOOTFIXSYS\\ControlSet001\\Control\\Nls\\Language",
                ("InstallLanguage", "REG_SZ", "0C0C"))
    state = RS.setup_state(text)                 # no Select key printed: no crash, ControlSet001 read
    assert state["controlSet"] is None and state["InstallLanguage"] == "0C0C"
    assert RS.locales(state)["UILanguage"] == "fr-CA"   # upper-case hex LCID as reg query prints it


def test_a_refusal_shows_missing_values_as_none_and_present_ones_as_they_are():
    with pytest.raises(RS.Refused) as exc:       # the "undeployable" row: SetupType 0 is a value, not "(none)"
        RS.decide({"ImageState": "IMAGE_STATE_UNDEPLOYABLE", "SetupType": 0, "setup.exe": 3})
    assert str(exc.value) == (
        "the copy's Windows cannot be finished by the rescue: IMAGE_STATE_UNDEPLOYABLE read offline with no OOBE "
        "pending (SetupType 0, OOBEInProgress (none)): a Setup phase failed and the image \"will never be "
        "deployable\" (Learn, Windows Setup States)")


def test_an_unfinished_specialize_names_the_childcompletion_value():
    with pytest.raises(RS.Refused) as exc:
        RS.decide({"ImageState": "IMAGE_STATE_UNDEPLOYABLE", "SetupType": 2, "CmdLine": "oobe\\windeploy.exe",
                   "setup.exe": 1})
    assert "(ChildCompletion\\setup.exe 1)" in str(exc.value)


def test_a_finishing_row_says_why():
    state = {"ImageState": "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE", "SetupType": 2, "CmdLine": "oobe\\windeploy.exe"}
    decision = RS.decide(state)
    assert decision["why"].endswith("Winlogon starts oobe\\windeploy.exe (SetupType 2)")


def test_an_image_state_no_row_knows_is_refused_with_the_state():
    state = {"ImageState": "IMAGE_STATE_SOMETHING_NEW", "SetupType": 2, "CmdLine": "oobe\\windeploy.exe"}
    with pytest.raises(RS.Refused) as exc:
        RS.decide(state)
    assert str(exc.value).startswith("the copy's Setup state matches no known row: ")
    assert "IMAGE_STATE_SOMETHING_NEW" in str(exc.value) and exc.value.recommendation == RS.DIAGNOSE


def test_the_user_locale_is_the_default_users_not_the_systems():
    state = {"InstallLanguage": "0407", "SystemLocaleId": "00000807", "LocaleName": "fr-CH"}
    assert RS.locales(state)["UserLocale"] == "fr-CH" and RS.locales(state)["SystemLocale"] == "de-CH"


@pytest.mark.parametrize("preload", ["0000040C", "0000040c"])
def test_the_keyboard_layout_is_read_in_either_hex_case(preload):
    assert RS.locales({"LocaleName": "fr-FR", "Preload": preload})["InputLocale"] == preload[-4:] + ":" + preload


def test_an_answer_file_under_systemroot_is_the_runs_and_kept():
    value = "%SystemRoot%\\Panther\\Unattend.xml"
    assert RS.unattend_value({"UnattendFile": value}) == {"action": "keep", "before": value}
