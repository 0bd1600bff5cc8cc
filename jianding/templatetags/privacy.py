"""The rule of ``jianding.privacy`` in templates: ``{% id_number_for number "register" %}``, ``phone_for``, ``birth_for``.

The place is a ``Where`` value; the viewer is the context's ``viewer`` (whoever
asked for a paper rendered outside a request) or the request's user.
"""

from django import template

from jianding.privacy import Where, birth_shown, id_number_shown, phone_shown

register = template.Library()


def _viewer(context):
    return context["viewer"] if "viewer" in context else context["request"].user


@register.simple_tag(takes_context=True)
def id_number_for(context, number, where):
    return id_number_shown(number, _viewer(context), Where(where))


@register.simple_tag(takes_context=True)
def phone_for(context, number, where):
    return phone_shown(number, _viewer(context), Where(where))


@register.simple_tag(takes_context=True)
def birth_for(context, birth_date, where):
    """Usage: ``{% birth_for applicant.birth_date "own_form" as birth %}``, then ``birth.label``, ``birth.value``."""
    return birth_shown(birth_date, _viewer(context), Where(where))
