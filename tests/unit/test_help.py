"""Every command and group has help; every parameter has help; every command has runnable examples.

Reads linter_exclusions.yml (azdev's format) so that an exclusion there really silences a rule.
"""
import os
import shlex
import types

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GLOBAL_OPTIONS = {"--output", "-o", "--query", "--debug", "--verbose", "--only-show-errors", "--help", "-h",
                  "--subscription"}


def _exclusions():
    with open(os.path.join(ROOT, "linter_exclusions.yml"), encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    assert isinstance(data, dict), "linter_exclusions.yml must map command names to exclusions"
    for name, entry in data.items():
        assert set(entry) <= {"rule_exclusions", "parameters"}, name
    return data


def _excluded(excl, command, rule, param=None):
    entry = excl.get(command) or {}
    if param is None:
        return rule in (entry.get("rule_exclusions") or [])
    return rule in (((entry.get("parameters") or {}).get(param) or {}).get("rule_exclusions") or [])


@pytest.fixture(scope="module")
def loaded():
    from azure.cli.core.mock import DummyCli
    from knack.help_files import helps
    from azext_vmbootfix import VmBootFixCommandsLoader
    cli = DummyCli()
    loader = VmBootFixCommandsLoader(cli_ctx=cli)
    loader.skip_applicability = True
    cli.invocation = types.SimpleNamespace(commands_loader=loader, data={"command_string": ""})
    table = loader.load_command_table(None)
    for name, cmd in table.items():
        cmd.load_arguments()
        loader.load_arguments(name)
    loader._update_command_definitions()  # pylint: disable=protected-access
    return table, helps


def _help(helps, name):
    raw = helps.get(name)
    return yaml.safe_load(raw) if raw else None


def test_command_table_is_not_empty(loaded):
    table, _ = loaded
    assert "vm boot-fix article" in table


def test_groups_have_help(loaded):
    table, helps = loaded
    groups = {" ".join(name.split()[:i]) for name in table for i in range(2, len(name.split()))}
    for group in groups:
        doc = _help(helps, group)
        assert doc and doc.get("type") == "group" and doc.get("short-summary"), group


def test_commands_have_help_and_examples(loaded):
    table, helps = loaded
    excl = _exclusions()
    for name in table:
        doc = _help(helps, name)
        if not _excluded(excl, name, "missing_command_help"):
            assert doc and doc.get("short-summary"), "{} has no help".format(name)
        if not _excluded(excl, name, "missing_command_example"):
            assert doc and doc.get("examples"), "{} has no example".format(name)


def test_parameters_have_help(loaded):
    table, _ = loaded
    excl = _exclusions()
    for name, cmd in table.items():
        for arg_name, arg in cmd.arguments.items():
            settings = arg.type.settings
            if settings.get("help") == "==SUPPRESS==" or arg_name == "cmd":
                continue
            if _excluded(excl, name, "missing_parameter_help", arg_name):
                continue
            assert (settings.get("help") or "").strip(), "{}: parameter {} has no help".format(name, arg_name)


def _last_command(text):
    """The words of the last command of a shell pipeline (``printf ... | az ...``); a ``|`` inside quotes, as in a
    JMESPath query, is part of a word."""
    lex = shlex.shlex(text, posix=True, punctuation_chars="|")
    lex.whitespace_split = True
    words = list(lex)
    return words[len(words) - words[::-1].index("|"):] if "|" in words else words


def test_last_command_of_a_pipeline():
    assert _last_command("printf '%s' \"$P\" | az vm x --a @-") == ["az", "vm", "x", "--a", "@-"]
    assert _last_command("az vm x --query \"[?a] | [0]\"") == ["az", "vm", "x", "--query", "[?a] | [0]"]


def test_examples_use_only_real_options(loaded):
    """An example is runnable only if it names the command and options that exist."""
    table, helps = loaded
    for name, cmd in table.items():
        doc = _help(helps, name) or {}
        options = set(GLOBAL_OPTIONS)
        for arg in cmd.arguments.values():
            options.update(o for o in (arg.type.settings.get("options_list") or []) if isinstance(o, str))
            if arg.type.settings.get("id_part"):
                options.add("--ids")  # azure-cli adds --ids to commands whose arguments have an id_part
        for example in doc.get("examples", []):
            words = _last_command(example["text"])
            assert " ".join(words[:len(name.split()) + 1]) == "az " + name, example["text"]
            for word in words:
                if word.startswith("-"):
                    assert word.split("=")[0] in options, "{}: unknown option {} in example".format(name, word)


def test_exclusions_name_real_commands_and_parameters(loaded):
    table, _ = loaded
    for name, entry in _exclusions().items():
        assert name in table, "linter_exclusions.yml names unknown command {}".format(name)
        for param in (entry.get("parameters") or {}):
            assert param in table[name].arguments, "{}: unknown parameter {}".format(name, param)


def test_an_exclusion_silences_only_its_rule_and_parameter():
    excl = yaml.safe_load("""
vm boot-fix diagnose:
  rule_exclusions: [missing_command_example]
  parameters:
    no_ocr:
      rule_exclusions: [missing_parameter_help]
""")
    assert _excluded(excl, "vm boot-fix diagnose", "missing_command_example")
    assert not _excluded(excl, "vm boot-fix diagnose", "missing_command_help")
    assert _excluded(excl, "vm boot-fix diagnose", "missing_parameter_help", "no_ocr")
    assert not _excluded(excl, "vm boot-fix diagnose", "missing_parameter_help", "save_dir")
    assert not _excluded(excl, "vm boot-fix repair", "missing_command_example")
