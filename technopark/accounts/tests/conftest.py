from __future__ import annotations

from typing import Any

import pytest

from technopark.accounts import services
from technopark.accounts.models import ConsentPurpose, ConsentText


@pytest.fixture
def consent_texts(db: Any) -> dict[str, ConsentText]:
    """Version 1 of the text for every purpose, in force."""
    texts = {}
    for purpose in ConsentPurpose.values:
        text = services.create_consent_text(
            actor=None, purpose=purpose, title_ru=f"Согласие: {purpose}", body_ru="Текст"
        )
        texts[purpose] = services.publish_consent_text(text, actor=None)
    return texts
