"""WebAuthn ceremonies through py_webauthn: options out, responses verified. No I/O here.

Every credential is discoverable (resident key required) and every ceremony requires user
verification (the phone's fingerprint or screen lock), so a passkey alone signs in.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.base64url_to_bytes import base64url_to_bytes
from webauthn.helpers.exceptions import (
    InvalidAuthenticationResponse,
    InvalidJSONStructure,
    InvalidRegistrationResponse,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from backend.config import Settings

TIMEOUT_MS = 300_000  # the 5 minutes a challenge lives


class CeremonyFailed(Exception):
    """The browser's response does not prove what it must (origin, RP, challenge, UV, sig)."""


@dataclass(frozen=True)
class NewPasskey:
    credential_id: str
    public_key: bytes
    sign_count: int
    backed_up: bool
    transports: list[str]


def registration_options(
    settings: Settings,
    *,
    user_handle: str,
    user_name: str,
    display_name: str,
    exclude: list[str],
) -> tuple[bytes, dict[str, Any]]:
    """(challenge, creation options JSON) for a new discoverable, user-verified passkey."""
    options = generate_registration_options(
        rp_id=settings.rp_id,
        rp_name="MotCua",
        user_id=base64url_to_bytes(user_handle),
        user_name=user_name,
        user_display_name=display_name,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(c)) for c in exclude
        ],
    )
    return options.challenge, json.loads(options_to_json(options))


@dataclass(frozen=True)
class KnownPasskey:
    """A passkey the relying party asks for by id (with the transports it reported)."""

    credential_id: str
    transports: Sequence[str] = ()


def authentication_options(
    settings: Settings, allow: Sequence[KnownPasskey] = ()
) -> tuple[bytes, dict[str, Any]]:
    """(challenge, request options JSON). Signing in sends no allowed list: the authenticator
    offers the passkeys it holds for this site, so nobody types a username. Re-verifying a
    signed-in account lists that account's passkeys, so no other account's can answer."""
    known = {t.value for t in AuthenticatorTransport}
    options = generate_authentication_options(
        rp_id=settings.rp_id,
        timeout=TIMEOUT_MS,
        user_verification=UserVerificationRequirement.REQUIRED,
        allow_credentials=[
            PublicKeyCredentialDescriptor(
                id=base64url_to_bytes(passkey.credential_id),
                transports=[AuthenticatorTransport(t) for t in passkey.transports if t in known]
                or None,
            )
            for passkey in allow
        ],
    )
    return options.challenge, json.loads(options_to_json(options))


def verify_new_passkey(
    settings: Settings, credential: dict[str, Any], challenge: bytes
) -> NewPasskey:
    try:
        verified = verify_registration_response(
            credential=json.dumps(credential),
            expected_challenge=challenge,
            expected_origin=settings.origin,
            expected_rp_id=settings.rp_id,
            require_user_verification=True,
        )
    except (InvalidRegistrationResponse, InvalidJSONStructure, ValueError, KeyError) as exc:
        raise CeremonyFailed(str(exc)) from exc
    transports = credential.get("response", {}).get("transports") or []
    return NewPasskey(
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        backed_up=bool(verified.credential_backed_up),
        transports=[str(t) for t in transports][:8],
    )


def verify_assertion(
    settings: Settings, credential: dict[str, Any], challenge: bytes, *, public_key: bytes
) -> int:
    """Verify a sign-in's signature, origin, RP and user verification; the authenticator's
    sign count. The count is compared by the caller (`is_sign_count_regression`), after the
    signature is known to be genuine, so that a regression can be recorded and the passkey
    flagged rather than merely refused — and so that a forged low count cannot flag anyone."""
    try:
        verified = verify_authentication_response(
            credential=json.dumps(credential),
            expected_challenge=challenge,
            expected_origin=settings.origin,
            expected_rp_id=settings.rp_id,
            credential_public_key=public_key,
            credential_current_sign_count=0,
            require_user_verification=True,
        )
    except (InvalidAuthenticationResponse, InvalidJSONStructure, ValueError, KeyError) as exc:
        raise CeremonyFailed(str(exc)) from exc
    return int(verified.new_sign_count)


def is_sign_count_regression(stored: int, presented: int) -> bool:
    """A counter that does not grow, where counters are used at all, suggests a cloned key.
    (Passkeys that never count — both zero — are fine.)"""
    return (stored != 0 or presented != 0) and presented <= stored


def credential_id_of(credential: dict[str, Any]) -> str:
    value = credential.get("rawId") or credential.get("id")
    if not isinstance(value, str) or not value:
        raise CeremonyFailed("credential without an id")
    return value.rstrip("=")


def user_handle_of(credential: dict[str, Any]) -> str | None:
    response = credential.get("response")
    handle = response.get("userHandle") if isinstance(response, dict) else None
    return handle if isinstance(handle, str) and handle else None
