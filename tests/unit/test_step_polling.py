"""Operations left in flight (repair/step.py ``Started``) poll as the SDK's own ``begin_*`` would: at Azure's
``Retry-After``, else at the client's ``polling_interval`` (the SDK takes ``self._config.polling_interval``),
else azure-core's ARM default of 30 s."""
import types

from azext_vmbootfix.repair import step


class _Operations:
    def __init__(self, interval):
        self._config = types.SimpleNamespace(polling_interval=interval)
        self.polling = None

    def begin_thing(self, *args, polling=None):
        self.polling = polling


def test_a_started_operation_waits_as_long_as_its_client_is_configured_to():
    for interval in (0, 5, 30):
        ops = _Operations(interval)
        step.Started(ops.begin_thing, "rg", "name")
        assert ops.polling._timeout == interval  # pylint: disable=protected-access


def test_without_a_client_configuration_the_arm_default_applies():
    seen = {}
    step.Started(lambda *a, polling=None: seen.update(polling=polling), "rg")
    assert seen["polling"]._timeout == step.DEFAULT_POLL_SECONDS == 30  # pylint: disable=protected-access
