import logging

import pytest


@pytest.fixture
def security_log(caplog):
    """The lines the security log (the logger `polku.security`) wrote during the test."""
    caplog.set_level(logging.INFO, logger="polku.security")

    def lines():
        return [record for record in caplog.records if record.name == "polku.security"]

    return lines
