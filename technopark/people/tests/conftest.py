from __future__ import annotations

from typing import Any

import pytest

from technopark.network import services as network_services
from technopark.network.models import District, Institution
from technopark.people import services
from technopark.people.models import ConsentPurpose, ConsentText


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


@pytest.fixture
def district(db: Any) -> District:
    return District.objects.get(code="frunzensky")


@pytest.fixture
def make_institution(district: District) -> Any:
    def _make(short_name: str = "Гимназия № 1", **fields: Any) -> Institution:
        values = {
            "full_name": f"ГУО «{short_name} г. Минска»",
            "short_name": short_name,
            "kind": Institution.Kind.GYMNASIUM,
            "district": district,
            "cluster_role": Institution.ClusterRole.BASE,
        }
        values.update(fields)
        return network_services.create_institution(actor=None, **values)

    return _make
