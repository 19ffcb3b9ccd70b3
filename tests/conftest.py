import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("suite", deadline=None, max_examples=150,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


@pytest.fixture
def rng():
    import numpy as np

    return np.random.default_rng(20250421)
