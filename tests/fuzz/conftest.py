"""Hypothesis settings for the fuzz layer: no example database in the working tree (a failure
prints the example and a ``@reproduce_failure`` blob instead) and no per-example deadline (the
first call of the tokenizer or trafilatura is slow). Example counts live with each test, sized
so that the whole layer runs in well under a minute; ``QA_FUZZ_SCALE=10`` runs ten times more."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "qa-fuzz",
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("qa-fuzz")
