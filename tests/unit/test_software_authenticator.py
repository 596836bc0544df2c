"""The software authenticator is trustworthy: py_webauthn itself accepts what it produces and
rejects each forgery it can make (wrong origin, wrong RP id, no user verification, regressed
sign counter)."""

from __future__ import annotations

import json
from typing import Any

import cbor2
import pytest
import webauthn
from webauthn.helpers.exceptions import (
    InvalidAuthenticationResponse,
    InvalidRegistrationResponse,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from tests.support.authenticator import (
    AuthenticatorError,
    SoftwareAuthenticator,
    b64url_decode,
    b64url_encode,
)

ORIGIN = "http://localhost:8000"
RP_ID = "localhost"
USER_ID = b"user-0001-handle"


def registration_options(
    user_id: bytes = USER_ID, exclude: list[bytes] | None = None
) -> tuple[bytes, dict[str, Any]]:
    options = webauthn.generate_registration_options(
        rp_id=RP_ID,
        rp_name="MotCua",
        user_name="nguyen.van.a",
        user_id=user_id,
        user_display_name="Nguyễn Văn A",
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=cid) for cid in exclude or []],
    )
    return options.challenge, json.loads(webauthn.options_to_json(options))


def authentication_options(allow: list[bytes] | None = None) -> tuple[bytes, dict[str, Any]]:
    options = webauthn.generate_authentication_options(
        rp_id=RP_ID,
        allow_credentials=[PublicKeyCredentialDescriptor(id=cid) for cid in allow or []],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options.challenge, json.loads(webauthn.options_to_json(options))


def verify_registration(challenge: bytes, result: dict[str, Any]) -> Any:
    return webauthn.verify_registration_response(
        credential=json.dumps(result),
        expected_challenge=challenge,
        expected_origin=ORIGIN,
        expected_rp_id=RP_ID,
        require_user_verification=True,
    )


def verify_authentication(
    challenge: bytes, result: dict[str, Any], public_key: bytes, sign_count: int
) -> Any:
    return webauthn.verify_authentication_response(
        credential=json.dumps(result),
        expected_challenge=challenge,
        expected_origin=ORIGIN,
        expected_rp_id=RP_ID,
        credential_public_key=public_key,
        credential_current_sign_count=sign_count,
        require_user_verification=True,
    )


@pytest.fixture
def authenticator() -> SoftwareAuthenticator:
    return SoftwareAuthenticator()


@pytest.fixture
def registered(authenticator: SoftwareAuthenticator) -> Any:
    challenge, options = registration_options()
    return verify_registration(challenge, authenticator.create(options))


def test_rp_id_defaults_to_origin_host() -> None:
    assert SoftwareAuthenticator("https://dichvucong.example:8443").rp_id == "dichvucong.example"
    assert SoftwareAuthenticator(ORIGIN, rp_id="example.org").rp_id == "example.org"


def test_registration_is_accepted_by_py_webauthn(authenticator: SoftwareAuthenticator) -> None:
    challenge, options = registration_options()
    result = authenticator.create(options)

    verified = verify_registration(challenge, result)

    raw_id = b64url_decode(result["rawId"])
    assert verified.credential_id == raw_id
    assert 16 <= len(raw_id) <= 32
    assert verified.sign_count == 0
    assert verified.user_verified is True
    assert verified.fmt == "none"
    assert verified.aaguid == "00000000-0000-0000-0000-000000000000"
    assert verified.credential_public_key == authenticator.credentials[raw_id].cose_public_key
    record = authenticator.credentials[raw_id]
    assert (record.user_handle, record.rp_id, record.sign_count) == (USER_ID, RP_ID, 0)


def test_registration_json_has_the_browser_shape(authenticator: SoftwareAuthenticator) -> None:
    challenge, options = registration_options()
    result = authenticator.create(options)

    assert result["type"] == "public-key"
    assert result["id"] == result["rawId"]
    assert result["clientExtensionResults"] == {}
    assert result["authenticatorAttachment"] == "platform"
    response = result["response"]
    assert response["transports"] == ["internal"]
    assert response["publicKeyAlgorithm"] == -7
    assert not any("=" in value for value in response.values() if isinstance(value, str))
    assert json.loads(b64url_decode(response["clientDataJSON"])) == {
        "type": "webauthn.create",
        "challenge": b64url_encode(challenge),
        "origin": ORIGIN,
        "crossOrigin": False,
    }
    attestation = cbor2.loads(b64url_decode(response["attestationObject"]))
    assert attestation["fmt"] == "none"
    assert attestation["attStmt"] == {}
    assert attestation["authData"] == b64url_decode(response["authenticatorData"])
    assert attestation["authData"][32] == 0x01 | 0x04 | 0x40  # UP, UV, AT


def test_authentication_is_accepted_and_counter_grows(
    authenticator: SoftwareAuthenticator, registered: Any
) -> None:
    sign_count = registered.sign_count
    for expected in (1, 2, 3):
        challenge, options = authentication_options()  # empty allowCredentials: discoverable
        result = authenticator.get(options)
        verified = verify_authentication(
            challenge, result, registered.credential_public_key, sign_count
        )
        assert verified.new_sign_count == expected > sign_count
        assert verified.credential_id == registered.credential_id
        assert verified.user_verified is True
        assert b64url_decode(result["response"]["userHandle"]) == USER_ID
        sign_count = verified.new_sign_count
    assert authenticator.credentials[registered.credential_id].sign_count == 3


def test_authentication_honours_allow_credentials(
    authenticator: SoftwareAuthenticator, registered: Any
) -> None:
    challenge, options = authentication_options(allow=[registered.credential_id])
    result = authenticator.get(options)
    verify_authentication(challenge, result, registered.credential_public_key, 0)

    _, elsewhere = authentication_options(allow=[b"some-other-credential-id"])
    with pytest.raises(AuthenticatorError):
        authenticator.get(elsewhere)


def test_exclude_credentials_refuses_a_second_registration(
    authenticator: SoftwareAuthenticator, registered: Any
) -> None:
    _, options = registration_options(exclude=[registered.credential_id])
    with pytest.raises(AuthenticatorError):
        authenticator.create(options)


@pytest.mark.parametrize(
    ("forgery", "reason"),
    [
        ({"origin": "http://evil.example:8000"}, "origin"),
        ({"rp_id": "evil.example"}, "RP ID hash"),
        ({"user_verified": False}, "not verified"),
        ({"user_present": False}, "[Pp]resen"),
    ],
    ids=["wrong-origin", "wrong-rp-id", "no-user-verification", "no-user-presence"],
)
def test_forged_registration_is_rejected(
    authenticator: SoftwareAuthenticator, forgery: dict[str, Any], reason: str
) -> None:
    challenge, options = registration_options()
    result = authenticator.create(options, **forgery)
    with pytest.raises(InvalidRegistrationResponse, match=reason):
        verify_registration(challenge, result)


@pytest.mark.parametrize(
    ("forgery", "reason"),
    [
        ({"origin": "http://evil.example:8000"}, "origin"),
        ({"rp_id": "evil.example"}, "RP ID hash"),
        ({"user_verified": False}, "not verified"),
        ({"user_present": False}, "[Pp]resen"),
    ],
    ids=["wrong-origin", "wrong-rp-id", "no-user-verification", "no-user-presence"],
)
def test_forged_authentication_is_rejected(
    authenticator: SoftwareAuthenticator, registered: Any, forgery: dict[str, Any], reason: str
) -> None:
    challenge, options = authentication_options()
    result = authenticator.get(options, **forgery)
    with pytest.raises(InvalidAuthenticationResponse, match=reason):
        verify_authentication(challenge, result, registered.credential_public_key, 0)


def test_wrong_challenge_is_rejected(authenticator: SoftwareAuthenticator, registered: Any) -> None:
    _, options = authentication_options()
    result = authenticator.get(options)
    with pytest.raises(InvalidAuthenticationResponse, match="challenge"):
        verify_authentication(b"another challenge", result, registered.credential_public_key, 0)


def test_clone_regresses_the_sign_count(
    authenticator: SoftwareAuthenticator, registered: Any
) -> None:
    twin = authenticator.clone()
    key = registered.credential_public_key

    challenge, options = authentication_options()
    stored = verify_authentication(challenge, authenticator.get(options), key, 0).new_sign_count
    challenge, options = authentication_options()
    stored = verify_authentication(challenge, authenticator.get(options), key, stored)
    stored_count = stored.new_sign_count
    assert stored_count == 2

    # The twin shares the key (so its signature is valid) but only reaches 1: a clone.
    challenge, options = authentication_options()
    with pytest.raises(InvalidAuthenticationResponse, match="sign count"):
        verify_authentication(challenge, twin.get(options), key, stored_count)
    assert twin.credentials[registered.credential_id].sign_count == 1
    assert authenticator.credentials[registered.credential_id].sign_count == 2


def test_explicit_sign_count_simulates_a_regression(
    authenticator: SoftwareAuthenticator, registered: Any
) -> None:
    key = registered.credential_public_key
    challenge, options = authentication_options()
    verified = verify_authentication(challenge, authenticator.get(options, sign_count=10), key, 0)
    assert verified.new_sign_count == 10

    challenge, options = authentication_options()
    result = authenticator.get(options, credential_id=registered.credential_id, sign_count=10)
    with pytest.raises(InvalidAuthenticationResponse, match="sign count"):
        verify_authentication(challenge, result, key, 10)


def test_several_users_need_an_explicit_choice(authenticator: SoftwareAuthenticator) -> None:
    for user_id in (b"first-user", b"second-user"):
        challenge, options = registration_options(user_id=user_id)
        verify_registration(challenge, authenticator.create(options))
    _, options = authentication_options()
    with pytest.raises(AuthenticatorError, match="credential_id"):
        authenticator.get(options)

    second = authenticator.credential_for(b"second-user")
    result = authenticator.get(options, credential_id=second.credential_id)
    assert b64url_decode(result["response"]["userHandle"]) == b"second-user"


def test_re_registering_a_user_replaces_the_resident_credential(
    authenticator: SoftwareAuthenticator, registered: Any
) -> None:
    challenge, options = registration_options()
    again = verify_registration(challenge, authenticator.create(options))
    assert list(authenticator.credentials) == [again.credential_id]
    assert again.credential_id != registered.credential_id
