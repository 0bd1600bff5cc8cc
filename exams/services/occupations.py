"""The occupation catalogue: the occupations and levels the center is licensed to appraise.

Rule: 工作规则 §1 (appraise within the licence the city center gave).
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from exams.models import Level, Occupation
from jianding.errors import RuleViolation
from jianding.permissions import require_role
from jianding.roles import Role


def occupation_require_licensed(occupation: Occupation, level: int, *, field: str = "level") -> None:
    """Refuse a level the center is not licensed to appraise in ``occupation``."""
    if not occupation.is_active:
        raise RuleViolation(
            _("%(occupation)s is no longer in use at the center.") % {"occupation": occupation.name},
            field="occupation",
            code="occupation_inactive",
        )
    if level not in occupation.levels:
        raise RuleViolation(
            _("The center is not licensed to appraise %(occupation)s at %(level)s.")
            % {"occupation": occupation.name, "level": Level(level).label},
            field=field,
            code="level_not_licensed",
        )


@transaction.atomic
def occupation_save(
    *,
    actor,
    occupation: Occupation | None = None,
    code: str,
    name: str,
    levels: list[int],
    is_active: bool = True,
) -> Occupation:
    """Create or change an entry of the occupation catalogue."""
    require_role(actor, Role.CLERK)
    if not levels:
        raise RuleViolation(_("Choose at least one licensed level."), field="levels", code="no_levels")
    taken = Occupation.objects.filter(code=code)
    if occupation is not None:
        taken = taken.exclude(pk=occupation.pk)
    if taken.exists():
        raise RuleViolation(
            _("Another occupation has the code %(code)s.") % {"code": code}, field="code", code="code_taken"
        )
    values = {
        "code": code,
        "name": name,
        "is_active": is_active,
        "levels": sorted({int(level) for level in levels}, reverse=True),
    }
    try:
        with transaction.atomic():
            if occupation is None:
                return Occupation.objects.create(**values)
            for field, value in values.items():
                setattr(occupation, field, value)
            occupation.save(update_fields=list(values))
    except IntegrityError:  # another clerk took the code a moment ago
        raise RuleViolation(
            _("Another occupation has the code %(code)s.") % {"code": code}, field="code", code="code_taken"
        ) from None
    except Occupation.NotUpdated:
        raise RuleViolation(
            _("Someone removed this occupation meanwhile; nothing was saved."), code="occupation_removed"
        ) from None
    return occupation
