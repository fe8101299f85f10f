app_name = "integration"
urlpatterns: list = []
