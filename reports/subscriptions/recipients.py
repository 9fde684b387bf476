"""Who a subscription may mail: one rule, applied wherever one is saved (the Subscribe form, the admin,
add_subscription) and again at every send, so no path gets around it.

- At most SUBSCRIPTION_MAX_RECIPIENTS addresses, whoever made it (alert rules too).
- A viewer's subscription goes only to the viewer's own address and to SUBSCRIPTION_RECIPIENT_DOMAINS.
- An admin's (staff) subscription, or one without an owner (made in the admin or with add_subscription),
  goes to anyone.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email


def parse_recipients(text):
    """Comma-separated addresses, each valid, at least one and at most SUBSCRIPTION_MAX_RECIPIENTS (a repeated
    address counts once); ValueError naming the bad one."""
    addresses = list({a.strip().lower(): a.strip() for a in (text or "").split(",") if a.strip()}.values())
    if not addresses:
        raise ValueError("--to: give at least one email address")
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ValueError(f"--to: {address!r} is not a valid email address") from None
    limit = settings.SUBSCRIPTION_MAX_RECIPIENTS
    if len(addresses) > limit:
        raise ValueError(f"--to: {len(addresses)} addresses; at most {limit} (SUBSCRIPTION_MAX_RECIPIENTS)")
    return addresses


def allowed_domains():
    return {d.strip().lower().lstrip("@") for d in settings.SUBSCRIPTION_RECIPIENT_DOMAINS if d.strip()}


def check_recipients(addresses, *, owner):
    """ValueError naming the addresses `owner` may not mail (see the module's rule); else the addresses."""
    if owner is None or owner.is_staff:
        return addresses
    own, domains = (owner.email or "").strip().lower(), allowed_domains()
    refused = [a for a in addresses if a.lower() != own and a.rpartition("@")[2].lower() not in domains]
    if refused:
        named = ", ".join(refused[:3]) + (f" and {len(refused) - 3} more" if len(refused) > 3 else "")
        where = f"its owner's own address ({own or 'none set'}){_and_domains(domains)}"
        raise ValueError(f"--to: {named}: a viewer's subscription may go only to {where}")
    return addresses


def recipients_for(text, *, owner):
    """The addresses of `text` that a subscription of `owner` may mail, or ValueError."""
    return check_recipients(parse_recipients(text), owner=owner)


def recipients_help(owner):
    """The rule in a line, for the Subscribe form."""
    limit = f"at most {settings.SUBSCRIPTION_MAX_RECIPIENTS}"
    if owner is None or owner.is_staff:
        return f"Email addresses, comma-separated, {limit}."
    own = owner.email or "none set: ask an admin"
    return f"Your own address ({own}){_and_domains(allowed_domains())}, comma-separated, {limit}."


def _and_domains(domains):
    return f" and addresses at {', '.join(sorted(domains))}" if domains else ""
