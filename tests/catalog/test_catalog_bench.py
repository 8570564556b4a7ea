"""bench/catalog_bench.py in a small run: it measures the journaled catalog and resumes for free."""

from __future__ import annotations

from bench.catalog_bench import measure


def test_a_small_measurement_and_its_resume() -> None:
    got = measure(300, resume=True)
    assert got["journal"] is True
    assert got["us_per_image"] > 0
    assert got["repr_bytes"] < 200
    assert got["resume_requests"] == 0  # every item skipped from the journal, no request
    assert got["resume_images_charged"] == 0


def test_two_keys_are_measured_against_one() -> None:
    from bench.catalog_bench import per_image_with_keys

    assert per_image_with_keys(2, n=40, interval=0.001) > 0
