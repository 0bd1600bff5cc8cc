"""Model field shapes the apps share, so each is declared once."""

from django.db import models


def optional_link(to, verbose_name, *, related_name="+", field=models.ForeignKey):
    """Return a link that may stay empty and keeps the row it points to from being deleted."""
    return field(
        to,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        related_name=related_name,
        null=True,
        blank=True,
    )
