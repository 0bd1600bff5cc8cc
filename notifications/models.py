"""In-portal messages, their deliveries by e-mail and SMS (an outbox), and each person's choices."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Channel, Kind


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MessageQuerySet":
        """Return the messages addressed to ``user``: a message is its recipient's alone."""
        return self.filter(recipient=user)

    def unread(self) -> "MessageQuerySet":
        return self.filter(read_at__isnull=True)

    def undelivered(self) -> "MessageQuerySet":
        """Return the messages whose every delivery was given up: no channel reached the person."""
        return (
            self.filter(deliveries__status=DeliveryStatus.GIVEN_UP)
            .exclude(deliveries__status__in=[s for s in DeliveryStatus if s != DeliveryStatus.GIVEN_UP])
            .distinct()
        )


class Message(models.Model):
    """What the portal tells one person about one event; shown under the bell."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    text = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="message_unread")]

    def __str__(self):
        return f"{self.recipient}：{self.text[:30]}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed, to be retried")
    GIVEN_UP = "given_up", _("given up")


class Delivery(models.Model):
    """One message by one channel: the outbox row the worker sends and retries."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("message")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(
        _("address"), max_length=254, help_text=_("The e-mail address or phone number.")
    )
    # The same message is never queued twice on one channel, whoever calls again.
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(
        _("claimed"), null=True, blank=True, help_text=_("When a worker last began sending it.")
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    provider_id = models.CharField(_("provider's id"), max_length=80, blank=True)
    receipt_status = models.CharField(_("receipt"), max_length=40, blank=True)
    receipt_at = models.DateTimeField(_("receipt time"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.message_id} · {self.get_channel_display()} · {self.get_status_display()}"


class DeliveryAttempt(models.Model):
    """One try to send a delivery, with its outcome and why."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        REFUSED = "refused", _("refused by a local rule")

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="attempt_rows", verbose_name=_("delivery")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    why = models.TextField(_("why"), blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.delivery} · {self.get_outcome_display()}"


class Preference(models.Model):
    """The channels one person chose for one kind of message (the portal always shows it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    email = models.BooleanField(_("by e-mail"), default=True)
    sms = models.BooleanField(_("by text message"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()}"


class Receipt(models.Model):
    """A delivery receipt the SMS provider pushed; kept once, however often it is re-sent."""

    provider_id = models.CharField(_("provider's id"), max_length=80)
    phone = models.CharField(_("phone"), max_length=20)
    status = models.CharField(_("status"), max_length=40)
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery receipt")
        verbose_name_plural = _("delivery receipts")
        constraints = [
            models.UniqueConstraint(fields=["provider_id", "phone", "status"], name="one_receipt_per_report")
        ]

    def __str__(self):
        return f"{self.provider_id} · {self.phone} · {self.status}"


class PhoneCode(models.Model):
    """A 6-digit code texted to a phone, kept only as its digest (``notifications.verification``).

    A row is kept for every code asked for, also one sent nowhere (a number without an account fit
    for a password reset), so that the limits per number count alike whatever the number is.
    """

    class Purpose(models.TextChoices):
        VERIFY = "verify", _("verify the phone")
        RESET = "reset", _("reset the password")

    phone = models.CharField(_("phone"), max_length=20)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("user"),
        help_text=_("Empty when the code was sent to nobody."),
    )
    digest = models.CharField(_("digest of the code"), max_length=64)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    wrong_tries = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone code")
        verbose_name_plural = _("phone codes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["phone", "created_at"], name="phone_code_rate")]

    def __str__(self):
        return f"{self.phone} · {self.get_purpose_display()}"
