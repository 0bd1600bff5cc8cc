from django.contrib import admin

from notifications.models import Delivery, DeliveryAttempt, Message, PhoneCode, Preference, Receipt


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


@admin.register(PhoneCode)
class PhoneCodeAdmin(admin.ModelAdmin):
    """Codes sent, to see why someone got none; the code itself is only a digest and is not shown."""

    list_display = ["phone", "purpose", "created_at", "expires_at", "wrong_tries", "used_at"]
    list_filter = ["purpose"]
    search_fields = ["phone"]
    exclude = ["digest"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
