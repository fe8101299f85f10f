"""`{{ text|public_text }}`: a citizen's message as the public may see it (feedback.privacy)."""

from django import template

from satudata.feedback.privacy import public_text as _public_text

register = template.Library()


@register.filter
def public_text(text: str) -> str:
    return _public_text(text)
