app_name = "survei"
urlpatterns = []
