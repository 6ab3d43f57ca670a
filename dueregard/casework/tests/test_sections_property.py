"""A property of the work queue's placing rule (`queries._section_of`), over generated
cases: every open referral, whatever its stage and annotations, is in exactly one known
section, and a case in support is lapsing exactly when its plan's interval plus 14 days
has passed since its last delivered contact (or the start of support)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from dueregard.casework.models import LAPSING_GRACE_DAYS, OPEN_STAGES, Stage
from dueregard.casework.queries import SECTIONS, _section_of

DAY = datetime.date(2026, 12, 7)
dates = st.one_of(
    st.none(), st.dates(DAY - datetime.timedelta(days=800), DAY + datetime.timedelta(days=800))
)


@given(
    stage=st.sampled_from(OPEN_STAGES),
    open_meeting_id=st.one_of(st.none(), st.integers(1, 5)),
    consent_status=st.sampled_from([None, "given", "declined", "withdrawn"]),
    last_contact=dates,
    support_started_on=dates,
    contact_interval=st.one_of(st.none(), st.integers(1, 365)),
    next_review_due=dates,
)
def test_every_generated_open_case_has_exactly_one_section(**case: object) -> None:
    referral = SimpleNamespace(**case)
    section = _section_of(referral, DAY)
    assert section in {s.id for s in SECTIONS}
    if referral.open_meeting_id is not None:
        assert section == "agenda"
    elif referral.stage == Stage.IN_SUPPORT:
        last = referral.last_contact or referral.support_started_on
        allowed = (referral.contact_interval or 28) + LAPSING_GRACE_DAYS
        lapsing = last is None or (DAY - last).days > allowed
        assert section == ("lapsing" if lapsing else "support")
    elif referral.stage == Stage.ONWARD:
        assert section == "onward"
    elif referral.stage == Stage.LEFT_CHANNEL:
        assert section in {"review_due", "review_later", "closure"}
        assert (section == "closure") == (referral.next_review_due is None)
