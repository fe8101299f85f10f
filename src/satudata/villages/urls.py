app_name = "villages"
urlpatterns: list = []
