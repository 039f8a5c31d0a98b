from django.conf import settings


def flowcast(request):
    return {"FLOWCAST_VERSION": settings.FLOWCAST_VERSION}
