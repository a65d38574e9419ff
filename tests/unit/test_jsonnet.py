"""Deployment bodies read as ARM reads them (fakeazure/core/jsonnet.py): Json.NET's leniency, Json.NET's errors."""
import pytest

from fakeazure.core.jsonnet import JsonNetError, loads

# the body azure-cli sent for `az group deployment create` in Azure/azure-cli's recording
# test_group_deployment_lite (kept in tests/fixtures/azure-traffic/recordings/resource/); Azure answered 201
RECORDED = ('{"properties": {"parameters": {}, "mode": "Incremental", template:{\n  "$schema": '
            '"https://schema.management.azure.com/schemas/2015-01-01/deploymentParameters.json#",\n  '
            '"contentVersion": "1.0.0.0",\n  "resources": [] // comment\n}}}')


def test_the_recorded_body_with_a_comment_and_an_unquoted_name():
    body = loads(RECORDED)
    assert body == {"properties": {"parameters": {}, "mode": "Incremental", "template": {
        "$schema": "https://schema.management.azure.com/schemas/2015-01-01/deploymentParameters.json#",
        "contentVersion": "1.0.0.0", "resources": []}}}


def test_block_comments_single_quotes_trailing_commas_and_raw_line_breaks():
    text = "/* head */ {'a': 'it\\'s', b$_1: [1, -2.5e1, true, null,], /* mid */ c: {d: \"x\ny\",},} // tail"
    assert loads(text) == {"a": "it's", "b$_1": [1, -25.0, True, None], "c": {"d": "x\ny"}}


def test_escapes_and_surrogate_pairs_as_in_net_strings():
    assert loads('{"s": "\\u00e9\\ud83d\\ude00\\t\\/"}') == {"s": "\u00e9\U0001F600\t/"}


@pytest.mark.parametrize("text, message", [
    ('{"a" 1}', "Invalid character after parsing property name. Expected ':' but got: 1. Path 'a', line 1, "
                "position 6."),
    ("{a-b: 1}", "Invalid JavaScript property identifier character: -. Path '', line 1, position 3."),
    ('{"a": 1} x', "Additional text encountered after finished reading JSON content: x. Path '', line 1, "
                   "position 10."),
    ('{"a": [1,,2]}', "Unexpected character encountered while parsing value: ,. Path 'a[1]', line 1, position 10."),
    ('{"x": {"$schema":\n [1 2]}}', "After parsing a value an unexpected character was encountered: 2. "
                                    "Path 'x['$schema'][0]', line 2, position 5."),
    ('{"a": "x', "Unterminated string. Expected delimiter: \". Path 'a', line 1, position 8."),
    ('{"a": 1,, "b": 2}', "Invalid property identifier character: ,. Path 'a', line 1, position 9."),
    ('{"a": 1 /* open', "Unexpected end while parsing comment. Path 'a', line 1, position 15."),
    ("", "Unexpected end when reading JSON. Path '', line 0, position 0."),
])
def test_errors_are_json_net_messages_with_path_line_and_position(text, message):
    with pytest.raises(JsonNetError) as err:
        loads(text)
    assert str(err.value) == message


def test_what_json_net_also_reads_is_refused_here():
    for text in ('{"a": NaN}', '{"a": undefined}', '{"a": 0x1F}', '{"a": new Date(1)}'):
        with pytest.raises(JsonNetError):
            loads(text)


def test_a_document_knows_where_each_value_was():
    doc = loads('{"a": {\n  "b": [1, {"c": 2}]\n}}')
    assert doc.positions["a"] == (1, 7)           # after the '{' that opens it, as Json.NET's line info is
    assert doc.positions["a.b"] == (2, 8)
    assert doc.positions["a.b.1.c"] == (2, 18)
