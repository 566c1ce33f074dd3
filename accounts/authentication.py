"""`Authorization: Token <key>` for the API, refusing expired tokens with a message saying so."""

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from accounts import tokens


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        try:
            return tokens.user_for_key(key)
        except tokens.TokenRefused as refused:
            raise AuthenticationFailed(str(refused)) from None
