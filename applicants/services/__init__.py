"""State changes of the applicants app, one module per aggregate."""

from applicants.services.accounts import (
    applicant_activate,
    applicant_invitation_code,
    applicant_invitation_reissue,
    applicant_password_reset,
    applicant_password_reset_by_code,
    applicant_password_reset_code_send,
    applicant_profile_update,
    applicant_record_create,
    applicant_register,
    applicants_create_bulk,
    sign_up_attempt_record,
)
from applicants.services.applications import (
    REVIEW_DECISIONS,
    application_create,
    application_document_upload,
    application_missing,
    application_not_admit,
    application_photo_confirm,
    application_review,
    application_submit,
    application_withdraw,
    applications_lapse,
)
from applicants.services.declarations import (
    application_record_original_seen,
    declaration_create,
    declaration_record_approval,
)

__all__ = [
    "REVIEW_DECISIONS",
    "applicant_activate",
    "applicant_invitation_code",
    "applicant_invitation_reissue",
    "applicant_password_reset",
    "applicant_password_reset_by_code",
    "applicant_password_reset_code_send",
    "applicant_profile_update",
    "applicant_record_create",
    "applicant_register",
    "applicants_create_bulk",
    "application_create",
    "application_document_upload",
    "application_missing",
    "application_not_admit",
    "application_photo_confirm",
    "application_record_original_seen",
    "application_review",
    "application_submit",
    "application_withdraw",
    "applications_lapse",
    "declaration_create",
    "declaration_record_approval",
    "sign_up_attempt_record",
]
