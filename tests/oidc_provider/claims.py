"""The claims the provider puts in its ID tokens: e-mail, and `amr` saying whether the
person used more than one factor (a user in the provider's group "mfa" did)."""

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):  # type: ignore[misc]
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "amr": "openid"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        mfa = user.groups.filter(name="mfa").exists()
        return {
            "email": user.email,
            "email_verified": True,
            "amr": ["pwd", "mfa"] if mfa else ["pwd"],
        }
