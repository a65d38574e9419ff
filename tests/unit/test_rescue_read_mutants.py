"""Edges of repair/rescue_read.py the mutation run found unguarded (the rescue tests feed it the one layout the
simulated guest prints): get-disks.ps1's JSON in each shape Windows PowerShell 5.1 gives it, bcdedit's /enum
text as Windows prints it (tests/fixtures/windows/bcdedit-enum.txt, its source in the README there) with what a
script prints around it, which disk is the copy and every refusal's words, and the Windows partition."""
import os

import pytest

from azext_vmbootfix.repair import rescue_read as RR
from azext_vmbootfix.repair.recreate import StepFailed

MIB = 1024 * 1024
FIXTURE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "windows", "bcdedit-enum.txt")


# -- get-disks.ps1's JSON -------------------------------------------------------------------------------------
def test_disks_and_partitions_are_read_with_their_status_style_letters_and_sizes():
    doc = {"Disks": [{"Number": 0, "PartitionStyle": "GPT", "OperationalStatus": "Online", "IsOffline": False,
                      "OfflineReason": None, "Size": 136365211648},
                     {"Number": 2, "PartitionStyle": "MBR", "OperationalStatus": "Offline", "IsOffline": True,
                      "OfflineReason": "Collision", "Size": 136365211648}],
           "Partitions": [{"DiskNumber": 2, "PartitionNumber": 1, "DriveLetter": "\u0000", "Type": "IFS",
                           "Size": 524288000},
                          {"DiskNumber": 2, "PartitionNumber": 2, "DriveLetter": "F", "Type": "IFS",
                           "Size": 135838826496},
                          {"DiskNumber": 0, "PartitionNumber": 1, "DriveLetter": "C", "Type": "Basic"}]}
    disks, parts = RR.parse_disks(doc)
    assert disks == [{"number": 0, "status": "Online", "style": "GPT", "offlineReason": None},
                     {"number": 2, "status": "Offline", "style": "MBR", "offlineReason": "Collision"}]
    assert parts == {2: [{"number": 1, "letter": None, "sizeMb": 500.0, "type": "IFS"},
                         {"number": 2, "letter": "F", "sizeMb": 135838826496 / MIB, "type": "IFS"}],
                     0: [{"number": 1, "letter": "C", "sizeMb": 0.0, "type": "Basic"}]}


@pytest.mark.parametrize("is_offline, status", [(True, "Offline"), (False, "Online"), (None, "Online")])
def test_without_an_operational_status_is_offline_decides(is_offline, status):
    disks, _parts = RR.parse_disks({"Disks": {"Number": 1, "IsOffline": is_offline}})
    assert disks == [{"number": 1, "status": status, "style": None, "offlineReason": None}]


@pytest.mark.parametrize("doc", [None, {}, {"Disks": None, "Partitions": None}])
def test_nothing_listed_is_no_disk_and_no_partition(doc):
    assert RR.parse_disks(doc) == ([], {})


def test_a_single_disk_and_partition_come_as_objects_not_lists():
    """ConvertTo-Json of a one-element collection that was not kept an array gives the object itself."""
    disks, parts = RR.parse_disks({"Disks": {"Number": 1, "OperationalStatus": "Online"},
                                   "Partitions": {"DiskNumber": 1, "PartitionNumber": 2, "DriveLetter": "G",
                                                  "Type": "Basic", "Size": MIB}})
    assert [d["number"] for d in disks] == [1] and parts == {1: [{"number": 2, "letter": "G", "sizeMb": 1.0,
                                                                  "type": "Basic"}]}


@pytest.mark.parametrize("letter, expected", [("\u0000", None), ("", None), (None, None), (" ", None), ("X", "X"),
                                              ("F ", "F"), ("\u0000F", "F"), ("1", None)])
def test_a_partitions_drive_letter_is_a_letter_or_none(letter, expected):
    _disks, parts = RR.parse_disks({"Partitions": [{"DiskNumber": 1, "PartitionNumber": 1, "DriveLetter": letter,
                                                    "Type": "Basic", "Size": 2 * MIB}]})
    assert parts[1][0]["letter"] == expected and parts[1][0]["sizeMb"] == 2.0


# -- bcdedit /enum ----------------------------------------------------------------------------------------------
def test_the_published_bcdedit_block_is_read_with_its_continuation_lines():
    with open(FIXTURE, encoding="utf-8") as fh:
        blocks = RR.parse_bcd_enum(fh.read())
    assert len(blocks) == 1 and blocks[0]["title"] == "Windows Boot Manager"
    assert blocks[0]["identifier"] == "{bootmgr}" and blocks[0]["timeout"] == "1"
    assert blocks[0]["displayorder"] == "{current} {cb6e5a42-7461-11eb-a963-aa8011311bee}"
    assert blocks[0]["path"] == "\\EFI\\MICROSOFT\\BOOT\\BOOTMGFW.EFI"


ENUM = """The operation completed successfully.
Windows Boot Manager
--------------------
identifier              {bootmgr}
displayorder            {current}
                        {memdiag}
timeout                 5
The operation completed successfully.

Windows Boot Loader
-------------------
identifier              {current}
ems                     Yes

EMS Settings
------------"""


def test_blocks_are_cut_at_each_title_and_lines_around_them_are_not_fields():
    blocks = RR.parse_bcd_enum(ENUM)
    assert blocks == [{"title": "Windows Boot Manager", "identifier": "{bootmgr}",
                       "displayorder": "{current} {memdiag}", "timeout": "5"},
                      {"title": "Windows Boot Loader", "identifier": "{current}", "ems": "Yes"},
                      {"title": "EMS Settings"}]  # a title on the last two lines is a block too


def test_a_field_shaped_line_before_the_first_block_is_not_a_field():
    assert RR.parse_bcd_enum("Exit  code 0\nWindows Boot Manager\n----\nidentifier  {bootmgr}\n") == [
        {"title": "Windows Boot Manager", "identifier": "{bootmgr}"}]


def test_a_blank_line_of_spaces_adds_nothing_to_the_field_before_it():
    assert RR.parse_bcd_enum("EMS Settings\n------------\nemsport                 1\n      \n") == [
        {"title": "EMS Settings", "emsport": "1"}]


# -- which disk is the copy ------------------------------------------------------------------------------------
def _doc(*numbers, status="Online", parts=()):
    return {"Disks": [{"Number": n, "OperationalStatus": status if n == max(numbers) else "Online"}
                      for n in numbers], "Partitions": list(parts)}


@pytest.mark.parametrize("numbers", [(), (0,)])
def test_without_a_data_disk_the_copy_is_not_seen(numbers):
    with pytest.raises(StepFailed) as exc:
        RR.copy_disk_of(_doc(*numbers) if numbers else {})
    assert str(exc.value) == "the rescue VM does not see the attached copy (Get-Disk lists no data disk)"


def test_the_copy_is_the_highest_numbered_disk_with_its_partitions():
    part = {"DiskNumber": 1, "PartitionNumber": 2, "DriveLetter": "F", "Type": "Basic", "Size": MIB}
    disk, parts = RR.copy_disk_of(_doc(0, 1, parts=[part, dict(part, DiskNumber=0)]))
    assert disk["number"] == 1 and parts == [{"number": 2, "letter": "F", "sizeMb": 1.0, "type": "Basic"}]
    assert RR.copy_disk_of(_doc(0, 2))[1] == []  # no partition listed for it


def test_an_offline_copy_is_refused_with_why_and_what_to_do():
    with pytest.raises(StepFailed) as exc:
        RR.copy_disk_of(_doc(0, 1, status="Offline"))
    assert str(exc.value) == (
        "the copy is Offline on the rescue VM: Azure images bring new disks online (SAN policy OnlineAll), so its "
        "disk signature probably collides with the rescue VM's own disk. Bringing it online would make Windows write "
        "a new signature and the copy's BCD would no longer find its partitions (0xc000000e).")
    assert exc.value.recommendation == (
        "Roll back (`az vm boot-fix rollback`) and report the rescue image used; the plan picks another Windows "
        "Server version than the broken disk to avoid exactly this.")


# -- the Windows partition --------------------------------------------------------------------------------------
def test_the_windows_partition_is_the_largest_lettered_ntfs_one():
    parts = [{"number": 1, "letter": None, "sizeMb": 900000.0, "type": "IFS"},
             {"number": 2, "letter": "E", "sizeMb": 100.0, "type": "System"},
             {"number": 3, "letter": "F", "sizeMb": 500.0, "type": "IFS"},
             {"number": 4, "letter": "G", "sizeMb": 126000.0, "type": "Basic"},
             {"number": 5, "letter": "H", "sizeMb": 200000.0, "type": "Recovery"}]
    assert RR.windows_partition(parts)["letter"] == "G"


@pytest.mark.parametrize("parts", [[], [{"number": 1, "letter": None, "sizeMb": 1.0, "type": "Basic"},
                                        {"number": 2, "letter": "E", "sizeMb": 100.0, "type": "System"}]])
def test_no_lettered_ntfs_partition_is_refused(parts):
    with pytest.raises(StepFailed) as exc:
        RR.windows_partition(parts)
    assert str(exc.value) == "no lettered NTFS partition on the copy: Windows did not mount its Windows partition"


# -- the partition holding the BCD store -------------------------------------------------------------------------
GEN1 = [{"number": 1, "letter": "E", "sizeMb": 500.0, "type": "IFS"},
        {"number": 2, "letter": "F", "sizeMb": 126000.0, "type": "IFS"}]
GEN2 = [{"number": 1, "letter": None, "sizeMb": 450.0, "type": "Recovery"},
        {"number": 2, "letter": "E", "sizeMb": 99.0, "type": "System"},
        {"number": 3, "letter": None, "sizeMb": 16.0, "type": "Reserved"},
        {"number": 4, "letter": "F", "sizeMb": 126000.0, "type": "Basic"}]


def test_the_bcd_partition_is_efi_on_gen2_and_system_reserved_on_gen1():
    assert RR.system_partition(GEN2, "V2")["number"] == 2
    assert RR.system_partition(GEN1, "V1")["number"] == 1
    small_basic = [{"number": 3, "letter": None, "sizeMb": 16.0, "type": "Reserved"},
                   {"number": 5, "letter": "G", "sizeMb": 600.0, "type": "Basic"}]
    assert RR.system_partition(small_basic, "V1")["number"] == 5


@pytest.mark.parametrize("parts, generation, words", [
    ([p for p in GEN2 if p["type"] != "System"], "V2", "EFI"),
    ([{"number": 1, "letter": "F", "sizeMb": 2048.0, "type": "IFS"},       # 2 GB is no System Reserved
      {"number": 2, "letter": None, "sizeMb": 100.0, "type": "Recovery"}], "V1", "System Reserved"),
    ([], None, "System Reserved"),
])
def test_no_bcd_partition_is_refused_naming_the_one_looked_for(parts, generation, words):
    with pytest.raises(StepFailed) as exc:
        RR.system_partition(parts, generation)
    assert str(exc.value) == "no {} partition on the copy".format(words)


# -- the verification read -------------------------------------------------------------------------------------
LOADER = "{4f1d2c5e-0000-11eb-a963-aa8011311bee}"


def _enum(displaybootmenu="Yes", timeout="5", bootems="Yes", ems="Yes", emsport="1", emsbaudrate="115200",
          leave_out=()):
    fields = {"bootmgr": [("identifier", "{bootmgr}"), ("displaybootmenu", displaybootmenu), ("timeout", timeout),
                          ("bootems", bootems)],
              "loader": [("identifier", LOADER.upper()), ("ems", ems)],
              "emssettings": [("identifier", "{emssettings}"), ("emsport", emsport), ("emsbaudrate", emsbaudrate)]}
    titles = {"bootmgr": "Windows Boot Manager", "loader": "Windows Boot Loader", "emssettings": "EMS Settings"}
    text = []
    for block, rows in fields.items():
        if block in leave_out:
            continue
        text += [titles[block], "-" * len(titles[block])]
        text += ["{:<24}{}".format(k, v) for k, v in rows if k not in leave_out and v is not None]
        text.append("")
    return "\n".join(text)


def test_every_setting_of_the_article_in_place_is_verified():
    assert RR.ems_verified(_enum(displaybootmenu="yes", bootems="YES"), LOADER) is True


@pytest.mark.parametrize("changes", [
    {"displaybootmenu": "No"}, {"timeout": "30"}, {"bootems": "No"}, {"ems": "No"}, {"emsport": "2"},
    {"emsbaudrate": "9600"}, {"leave_out": ("displaybootmenu",)}, {"leave_out": ("bootems",)},
    {"leave_out": ("ems",)}, {"leave_out": ("bootmgr",)}, {"leave_out": ("loader",)},
    {"leave_out": ("emssettings",)},
])
def test_any_setting_missing_or_other_is_not_verified(changes):
    assert RR.ems_verified(_enum(**changes), LOADER) is False


@pytest.mark.parametrize("generation, store", [("V2", "S:\\EFI\\Microsoft\\Boot\\BCD"), ("V1", "S:\\Boot\\BCD"),
                                               (None, "S:\\Boot\\BCD")])
def test_the_bcd_store_path_of_each_generation(generation, store):
    assert RR.bcd_store("S", generation) == store
