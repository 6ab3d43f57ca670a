"""`{% revealed "referral" referral.pk as show %}`: has this user re-confirmed their second
factor to see the police information (referral) or health details (person), in the last
ten minutes of this session? Casework pages show those fields only then."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def revealed(context: Any, what: str, pk: int) -> bool:
    from dueregard.privacy.views import reveal_granted

    request = context.get("request")
    return request is not None and reveal_granted(request.session, what, pk)
