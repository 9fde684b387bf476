from django.urls import path

from dashboard.roles import viewer
from tests.tally import views

urlpatterns = [viewer(path("", views.counters, name="tally"))]
