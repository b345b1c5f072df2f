"""The signed-in user of a request, typed (views and API handlers run behind authentication)."""

from django.http import HttpRequest

from .models import User


def request_actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # authentication runs first: this is a wiring bug, not bad input
        raise TypeError("request has no signed-in user")
    return user
