"""Every key a teacher can write is documented, and the reference lists it."""

from __future__ import annotations

import pytest

from cinema.config.activities import ACTIVITY_SCHEMA, OPTION_SCHEMA, QUESTION_SCHEMA
from cinema.config.kiosk import DEVICES_SCHEMA, DISPLAY_SCHEMA, KIOSK_SCHEMA, POWER_SCHEMA
from cinema.config.playlists import ITEM_SCHEMAS, PLAYLIST_SCHEMA

SCHEMAS = [KIOSK_SCHEMA, DISPLAY_SCHEMA, POWER_SCHEMA, DEVICES_SCHEMA, PLAYLIST_SCHEMA, ACTIVITY_SCHEMA,
           QUESTION_SCHEMA, OPTION_SCHEMA, *ITEM_SCHEMAS.values()]


@pytest.mark.parametrize("schema", SCHEMAS, ids=[s.name for s in SCHEMAS])
def test_every_field_has_a_doc_and_is_in_the_reference(schema):
    reference = schema.describe()
    for field in schema.fields:
        assert len(field.doc) > 10, field.name
        assert f"  {field.name} (" in reference


@pytest.mark.parametrize("schema", [KIOSK_SCHEMA, PLAYLIST_SCHEMA, ACTIVITY_SCHEMA], ids=lambda s: s.name)
def test_every_file_kind_needs_a_version(schema):
    assert schema.fields[0].name == "version" and schema.fields[0].required
