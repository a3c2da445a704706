"""Shared card fixtures: one set of generated photos for the whole session (about 7 s to make)."""

import pytest

from cinema.devices.cards.photos import make_card_photos


@pytest.fixture(scope="session")
def photo_set(tmp_path_factory):
    return make_card_photos(str(tmp_path_factory.mktemp("card_photos")), n=40, seed=11)
