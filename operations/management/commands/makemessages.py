"""`makemessages`, also reading our `gettext_lazy as _lazy` alias (xgettext knows only the usual names)."""

from django.core.management.commands.makemessages import Command as MakeMessagesCommand


class Command(MakeMessagesCommand):
    xgettext_options = [*MakeMessagesCommand.xgettext_options, "--keyword=_lazy"]
