from __future__ import annotations

from typing import Any

import pytest

from technopark.network import services
from technopark.network.models import District, Institution


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
        return services.create_institution(actor=None, **values)

    return _make
