"""URLs of the penilaian app: the unit's worksheet, and the TPI review and set-up."""

from apps.penilaian.review_urls import urlpatterns as review_urlpatterns
from apps.penilaian.worksheet_urls import urlpatterns as worksheet_urlpatterns

app_name = "penilaian"

urlpatterns = [*worksheet_urlpatterns, *review_urlpatterns]
