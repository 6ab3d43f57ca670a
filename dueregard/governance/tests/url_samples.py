"""Sample records for the URL walk (tests/test_url_access.py): every governance URL that
takes a parameter, in the test borough."""

from __future__ import annotations

from typing import Any

from . import factories


def _board(world: Any) -> dict[str, Any]:
    return {"pk": factories.board(world).pk}


def _board_parent(world: Any) -> dict[str, Any]:
    return {"parent_pk": factories.board(world).pk}


def _member(world: Any) -> dict[str, Any]:
    return {"pk": factories.member(world, factories.board(world)).pk}


def _meeting(world: Any) -> dict[str, Any]:
    return {"pk": factories.meeting(world, factories.board(world)).pk}


def _meeting_parent(world: Any) -> dict[str, Any]:
    return {"parent_pk": factories.meeting(world, factories.board(world)).pk}


def _action(world: Any) -> dict[str, Any]:
    return {"pk": factories.action(world, factories.meeting(world, factories.board(world))).pk}


def _commitment(world: Any) -> dict[str, Any]:
    return {"pk": factories.commitment(world, factories.board(world)).pk}


SAMPLES = {
    "governance:board_detail": _board,
    "governance:board_edit": _board,
    "governance:board_archive": _board,
    "governance:member_create": _board_parent,
    "governance:member_detail": _member,
    "governance:member_edit": _member,
    "governance:meeting_create": _board_parent,
    "governance:meeting_detail": _meeting,
    "governance:meeting_edit": _meeting,
    "governance:meeting_attendance": _meeting,
    "governance:action_create": _meeting_parent,
    "governance:action_detail": _action,
    "governance:action_edit": _action,
    "governance:commitment_detail": _commitment,
    "governance:commitment_edit": _commitment,
    "governance:commitment_archive": _commitment,
    "governance:commitment_presented": _commitment,
    "governance:commitment_next_due": _commitment,
}
