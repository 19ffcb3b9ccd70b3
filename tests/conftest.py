import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("suite", deadline=None, max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "150")),
                          suppress_health_check=[HealthCheck.too_slow])
# In CI the examples are drawn from a fixed seed, so a run is reproducible; on a developer's machine
# they are fresh each time, which is where new counter-examples are found.
settings.register_profile("ci", parent=settings.get_profile("suite"), derandomize=True, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "suite"))


@pytest.fixture
def rng():
    import numpy as np

    return np.random.default_rng(20250421)
