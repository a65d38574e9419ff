"""What the journal's errors say and what its summary shows, pinned where mutation testing (scripts/mutate.py)
found them unpinned: each error names the file and the cause, so that a person can act on it."""
import pytest

from azext_vmbootfix.repair import journal as J
from azext_vmbootfix.repair.journal import Journal, JournalError


def _journal(tmp_path):
    return Journal.new(str(tmp_path / "d" / "j.json"), "run-1", "sub", "rg", "vm", "recreate",
                       [{"name": "s1", "description": "d", "article": [2, 3]}], {})


def test_a_journal_that_cannot_be_read_is_an_error_naming_it_and_the_system_cause(tmp_path):
    folder = tmp_path / "j.json"
    folder.mkdir()  # a folder where the journal should be: open() fails, not with FileNotFoundError
    with pytest.raises(JournalError) as info:
        Journal.load(str(folder))
    assert str(info.value) == "journal {} cannot be read: Is a directory".format(folder)


def test_a_journal_holding_what_json_cannot_write_is_an_error_naming_it(tmp_path):
    j = _journal(tmp_path)
    j.data["params"]["x"] = {1, 2}
    with pytest.raises(JournalError) as info:
        j.save()
    assert str(info.value) == "journal {} not written: Object of type set is not JSON serializable".format(j.path)


def test_a_secret_refused_names_the_journal_file_and_the_first_12_characters_of_the_field(tmp_path):
    j = _journal(tmp_path)
    j.data["params"]["adminPasswordForTheVm"] = "x"
    with pytest.raises(JournalError) as info:
        j.save()
    assert str(info.value) == "refusing to write a secret into the journal {} (a 'adminPasswor' field)".format(
        j.path)
    with pytest.raises(JournalError) as info:
        J.check_no_secret('{"adminPassword": "x"}')
    assert str(info.value) == "refusing to write a secret into the journal (a 'adminPasswor' field)"


def test_the_summary_gives_each_step_the_article_steps_it_performs(tmp_path):
    assert _journal(tmp_path).summary()["steps"][0]["article"] == [2, 3]
