"""POST /api/auth/token/ (a token for a username and password) and DELETE (revoke your own)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import tokens

WRONG_CREDENTIALS = "Unable to log in with provided credentials."


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(write_only=True)
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(source="key", read_only=True)
    expires_at = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DateTimeField())
    def get_expires_at(self, token):
        return serializers.DateTimeField().to_representation(tokens.expires_at(token))


class TokenView(APIView):
    """Asking for a token needs no authentication; revoking one needs that token or a session."""

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    def perform_authentication(self, request):
        if request.method == "DELETE":
            super().perform_authentication(request)

    @extend_schema(
        request=CredentialsSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Wrong username or password."),
            429: OpenApiResponse(description="Too many failed logins for this username or address: wait."),
        },
        auth=[],
    )
    def post(self, request):
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        token = tokens.obtain(request._request, **credentials.validated_data)
        if token is None:
            raise serializers.ValidationError({"non_field_errors": [WRONG_CREDENTIALS]})
        return Response(TokenSerializer(token).data)

    @extend_schema(request=None, responses={204: OpenApiResponse(description="The token no longer works.")})
    def delete(self, request):
        tokens.revoke(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
