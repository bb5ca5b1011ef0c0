"""Payment statuses: only a pending payment moves, and every final status stays final."""

from __future__ import annotations

import pytest

from kernel.errors import ConflictError
from payments.status import FINAL, PaymentStatus, can_move, check_move


@pytest.mark.parametrize("target", sorted(FINAL))
def test_a_pending_payment_may_become_any_final_status(target: PaymentStatus) -> None:
    assert can_move(PaymentStatus.PENDING, target)
    check_move("pending", target)


@pytest.mark.parametrize("current", sorted(FINAL))
@pytest.mark.parametrize("target", list(PaymentStatus))
def test_a_final_status_never_changes(current: PaymentStatus, target: PaymentStatus) -> None:
    assert not can_move(current, target)
    with pytest.raises(ConflictError) as caught:
        check_move(current, target)
    assert caught.value.field == "status"
    assert caught.value.params["payment_status"] == current.value


def test_a_second_confirmation_says_already_confirmed() -> None:
    with pytest.raises(ConflictError, match="already confirmed"):
        check_move("confirmed", "confirmed")


def test_an_expired_payment_cannot_be_confirmed() -> None:
    with pytest.raises(ConflictError, match="the payment is expired; it cannot become confirmed"):
        check_move("expired", "confirmed")


def test_pending_cannot_stay_pending() -> None:
    assert not can_move("pending", "pending")
    with pytest.raises(ConflictError, match="already pending"):
        check_move("pending", "pending")


def test_an_unknown_status_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        check_move("paid", "confirmed")
