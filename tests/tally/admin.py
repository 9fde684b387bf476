from django.contrib import admin

from tests.tally.models import TallyCount

admin.site.register(TallyCount)
