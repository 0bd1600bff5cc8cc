from django.contrib import admin

from notifications.models import Delivery, DeliveryAttempt, Message, Preference, Receipt


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    readonly_fields = [
        "channel",
        "address",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "receipt_status",
    ]
    fields = readonly_fields


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient"]
    inlines = [DeliveryInline]


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    readonly_fields = ["at", "outcome", "why"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["message", "channel", "status", "attempts", "next_attempt_at", "receipt_status"]
    list_filter = ["channel", "status"]
    raw_id_fields = ["message"]
    inlines = [AttemptInline]


admin.site.register(DeliveryAttempt)
admin.site.register(Preference)
admin.site.register(Receipt)
