"""Template context every console page gets."""


def console(request):
    return {}
