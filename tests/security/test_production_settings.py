"""Production never shows Django's debug pages: they print the request's POST data and each
frame's variables (an identity code being searched, a note being saved) to whoever's request
failed, and name the settings and the code paths."""

import pytest

from tests.test_operations import PRODUCTION, _settings_in_subprocess


@pytest.mark.parametrize("debug", ["true", "1", "yes"])
def test_production_refuses_to_start_with_debug_on(debug):
    result = _settings_in_subprocess({**PRODUCTION, "DEBUG": debug}, "{'debug': settings.DEBUG}")
    assert result.returncode != 0
    assert "DEBUG must be off when POLKU_ENV=production" in result.stderr


@pytest.mark.parametrize(("environment", "debug"), [(PRODUCTION, False), ({"DEBUG": "true"}, True)])
def test_debug_is_off_in_production_and_a_developers_choice_elsewhere(environment, debug):
    result = _settings_in_subprocess(environment, "{'debug': settings.DEBUG}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f'{{"debug": {str(debug).lower()}}}'
