"""State changes of the exams app, one module per aggregate."""

from exams.services.banks import bank_decide, bank_download_record, bank_upload
from exams.services.batches import TRANSITIONS, batch_create, batch_move, batch_transitions_for, batch_update
from exams.services.examiners import examiner_profile_sync
from exams.services.occupations import occupation_require_licensed, occupation_save
from exams.services.plans import (
    plan_approve,
    plan_create,
    plan_line_delete,
    plan_line_save,
    plan_return,
    plan_revise,
    plan_submit,
)
from exams.services.proctoring import (
    PATROL_ROLES,
    absence_decide,
    absence_request,
    absence_return,
    handover_missing,
    incident_record,
    is_chief_examiner,
    paper_handover_record,
    patrol_record,
    room_record_sign,
)
from exams.services.seats import (
    ARRANGER_ROLES,
    duty_shortfalls,
    room_save,
    seat_check_in,
    seat_move,
    seats_assign,
    session_room_set_proctors,
    session_save,
    tickets_publish,
)

__all__ = [
    "ARRANGER_ROLES",
    "PATROL_ROLES",
    "TRANSITIONS",
    "absence_decide",
    "absence_request",
    "absence_return",
    "bank_decide",
    "bank_download_record",
    "bank_upload",
    "batch_create",
    "batch_move",
    "batch_transitions_for",
    "batch_update",
    "duty_shortfalls",
    "examiner_profile_sync",
    "handover_missing",
    "incident_record",
    "is_chief_examiner",
    "occupation_require_licensed",
    "occupation_save",
    "paper_handover_record",
    "patrol_record",
    "plan_approve",
    "plan_create",
    "plan_line_delete",
    "plan_line_save",
    "plan_return",
    "plan_revise",
    "plan_submit",
    "room_record_sign",
    "room_save",
    "seat_check_in",
    "seat_move",
    "seats_assign",
    "session_room_set_proctors",
    "session_save",
    "tickets_publish",
]
