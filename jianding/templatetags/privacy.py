"""The rule of ``jianding.privacy`` in templates: ``{% id_number_for_register n %}``, ``{% id_number_in_list n %}``."""

from django import template

from jianding.privacy import Where, id_number_shown, phone_shown

register = template.Library()


@register.simple_tag(takes_context=True)
def id_number_for_register(context, number):
    """The number as ``viewer`` (whoever asked for the register) may see it on a register."""
    return id_number_shown(number, context["viewer"], Where.REGISTER)


@register.simple_tag
def id_number_in_list(number):
    return id_number_shown(number, None, Where.LIST)


@register.simple_tag(takes_context=True)
def phone_for_register(context, number):
    return phone_shown(number, context["viewer"], Where.REGISTER)
