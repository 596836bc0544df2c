"""A software WebAuthn authenticator for API tests.

It plays the browser *and* the authenticator: given the options JSON the relying party sends,
it returns exactly the JSON a browser hands back (the WebAuthn Level 3 `toJSON()` shapes of
`RegistrationResponseJSON` and `AuthenticationResponseJSON`, base64url without padding). The
cryptography is real — ES256 (ECDSA P-256 with SHA-256) keys, CBOR-encoded COSE keys and
attestation objects — so the server's verification code runs unmodified against it.

Everything a test might want to forge is a keyword argument: another origin, the rpIdHash of
another RP id, a missing user-verification or user-presence flag, an explicit (regressed) sign
counter. `clone()` copies the keys, so two authenticators can drift apart like a cloned token.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import cbor2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

__all__ = [
    "AuthenticatorError",
    "CredentialRecord",
    "SoftwareAuthenticator",
    "b64url_decode",
    "b64url_encode",
]

# COSE identifiers (RFC 9052/9053): key type EC2, algorithm ES256, curve P-256.
COSE_KTY_EC2 = 2
COSE_ALG_ES256 = -7
COSE_CRV_P256 = 1

# Authenticator data flag bits (WebAuthn §6.1).
FLAG_UP = 0x01  # user present
FLAG_UV = 0x04  # user verified
FLAG_BE = 0x08  # backup eligible
FLAG_BS = 0x10  # backed up
FLAG_AT = 0x40  # attested credential data included

# A "none" attestation carries no provenance, and authenticators that do not attest send an
# all-zero AAGUID; that is what a privacy-preserving platform authenticator looks like to the RP.
ZERO_AAGUID = bytes(16)

TRANSPORTS = ["internal"]
ATTACHMENT = "platform"


class AuthenticatorError(Exception):
    """The ceremony could not proceed — where a browser would reject its promise."""


def b64url_encode(data: bytes) -> str:
    """Base64url without padding, as every binary field of the WebAuthn JSON shapes uses."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Inverse of `b64url_encode`; tolerates missing padding (the JSON never carries it)."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class CredentialRecord:
    """What the authenticator remembers about one discoverable credential."""

    credential_id: bytes
    private_key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    user_name: str
    sign_count: int = 0

    @property
    def cose_public_key(self) -> bytes:
        """The public key as the COSE_Key the RP stores (same bytes py_webauthn returns)."""
        return _cose_public_key(self.private_key.public_key())


class SoftwareAuthenticator:
    """An in-memory platform authenticator with resident (discoverable) ES256 credentials.

    `origin` is where the simulated page runs; `rp_id` defaults to that origin's host, which is
    what a browser uses when the options leave `rp.id`/`rpId` out.
    """

    def __init__(
        self,
        origin: str = "http://localhost:8000",
        rp_id: str | None = None,
        *,
        backup_eligible: bool = False,
        backed_up: bool = False,
    ) -> None:
        host = urlsplit(origin).hostname
        if rp_id is None and not host:
            raise ValueError(f"cannot derive an RP id from origin {origin!r}")
        if backed_up and not backup_eligible:
            # §6.1: BS may only be set when BE is; an RP is right to reject the combination.
            raise ValueError("backed_up requires backup_eligible")
        self.origin = origin
        self.rp_id: str = rp_id if rp_id is not None else str(host)
        self.backup_eligible = backup_eligible
        self.backed_up = backed_up
        self.credentials: dict[bytes, CredentialRecord] = {}

    # -- registration -----------------------------------------------------------------------

    def create(
        self,
        options: dict[str, Any],
        *,
        origin: str | None = None,
        rp_id: str | None = None,
        user_verified: bool = True,
        user_present: bool = True,
    ) -> dict[str, Any]:
        """Answer `navigator.credentials.create()` for PublicKeyCredentialCreationOptionsJSON.

        Makes and stores a new discoverable credential and returns RegistrationResponseJSON.
        `origin` and `rp_id` override only what the RP gets to see (clientData origin and the
        rpIdHash), so the credential is still filed under the honest RP id.
        """
        algorithms = [param.get("alg") for param in options.get("pubKeyCredParams", [])]
        if algorithms and COSE_ALG_ES256 not in algorithms:
            # A browser fails with NotSupportedError when no offered algorithm is usable.
            raise AuthenticatorError(f"ES256 not among offered algorithms {algorithms}")

        honest_rp_id = options.get("rp", {}).get("id") or self.rp_id
        user = options["user"]
        user_handle = b64url_decode(user["id"])

        # excludeCredentials exists to stop a second credential on the same authenticator;
        # browsers answer InvalidStateError, so tests can assert the RP sends the list.
        excluded = {b64url_decode(c["id"]) for c in options.get("excludeCredentials") or []}
        for credential_id in excluded:
            record = self.credentials.get(credential_id)
            if record is not None and record.rp_id == honest_rp_id:
                raise AuthenticatorError("authenticator already holds an excluded credential")

        # A resident credential replaces any earlier one for the same (RP, user) — CTAP2 rule.
        for credential_id, record in list(self.credentials.items()):
            if record.rp_id == honest_rp_id and record.user_handle == user_handle:
                del self.credentials[credential_id]

        record = CredentialRecord(
            # Random length within 16–32 bytes, so an RP that assumes a fixed size gets caught.
            credential_id=secrets.token_bytes(16 + secrets.randbelow(17)),
            private_key=ec.generate_private_key(ec.SECP256R1()),
            rp_id=honest_rp_id,
            user_handle=user_handle,
            user_name=user.get("name", ""),
        )
        self.credentials[record.credential_id] = record

        client_data_json = self._client_data("webauthn.create", options["challenge"], origin)
        attested_credential_data = (
            ZERO_AAGUID
            + struct.pack(">H", len(record.credential_id))
            + record.credential_id
            + record.cose_public_key
        )
        auth_data = self._authenticator_data(
            rp_id or honest_rp_id,
            sign_count=record.sign_count,  # 0: a fresh credential has not signed anything yet
            user_present=user_present,
            user_verified=user_verified,
            attested_credential_data=attested_credential_data,
        )
        attestation_object = cbor2.dumps(
            {"fmt": "none", "attStmt": {}, "authData": auth_data}, canonical=True
        )
        public_key_der = record.private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        credential_id_b64 = b64url_encode(record.credential_id)
        return {
            "id": credential_id_b64,
            "rawId": credential_id_b64,
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url_encode(client_data_json),
                "attestationObject": b64url_encode(attestation_object),
                # Level 3 convenience fields, so an RP may skip CBOR parsing if it wants.
                "authenticatorData": b64url_encode(auth_data),
                "publicKey": b64url_encode(public_key_der),
                "publicKeyAlgorithm": COSE_ALG_ES256,
                "transports": list(TRANSPORTS),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": ATTACHMENT,
        }

    # -- authentication ---------------------------------------------------------------------

    def get(
        self,
        options: dict[str, Any],
        *,
        origin: str | None = None,
        rp_id: str | None = None,
        user_verified: bool = True,
        user_present: bool = True,
        credential_id: bytes | None = None,
        sign_count: int | None = None,
    ) -> dict[str, Any]:
        """Answer `navigator.credentials.get()` for PublicKeyCredentialRequestOptionsJSON.

        Picks the credential (`credential_id`, else the one stored for the RP id and, when the
        options list `allowCredentials`, named there), bumps its counter — or sets it to
        `sign_count`, to simulate a clone or a regression — and returns
        AuthenticationResponseJSON. `credential_id` is not checked against `allowCredentials`,
        so tests can present a credential the RP did not ask for.
        """
        honest_rp_id = options.get("rpId") or self.rp_id
        record = self._choose(honest_rp_id, options.get("allowCredentials") or [], credential_id)

        record.sign_count = record.sign_count + 1 if sign_count is None else sign_count

        client_data_json = self._client_data("webauthn.get", options["challenge"], origin)
        auth_data = self._authenticator_data(
            rp_id or honest_rp_id,
            sign_count=record.sign_count,
            user_present=user_present,
            user_verified=user_verified,
        )
        # The assertion signature covers authData || SHA-256(clientDataJSON) (§6.3.3), which
        # binds the challenge and origin to the authenticator's own statement.
        signature = record.private_key.sign(
            auth_data + hashlib.sha256(client_data_json).digest(), ec.ECDSA(hashes.SHA256())
        )
        credential_id_b64 = b64url_encode(record.credential_id)
        return {
            "id": credential_id_b64,
            "rawId": credential_id_b64,
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url_encode(client_data_json),
                "authenticatorData": b64url_encode(auth_data),
                "signature": b64url_encode(signature),
                # Discoverable credentials always return the user handle: it is how the RP
                # learns who is signing in when it sent an empty allowCredentials.
                "userHandle": b64url_encode(record.user_handle),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": ATTACHMENT,
        }

    # -- helpers ----------------------------------------------------------------------------

    def clone(self) -> SoftwareAuthenticator:
        """A copy holding the same keys but its own counters — a cloned authenticator."""
        twin = SoftwareAuthenticator(
            self.origin,
            self.rp_id,
            backup_eligible=self.backup_eligible,
            backed_up=self.backed_up,
        )
        # Private key objects are immutable, so sharing them is safe; the records (which hold
        # the mutable counter) are copied so each twin counts on its own.
        twin.credentials = {cid: copy.copy(record) for cid, record in self.credentials.items()}
        return twin

    def credential_for(self, user_handle: bytes, rp_id: str | None = None) -> CredentialRecord:
        """The stored credential of a user at an RP (default: this authenticator's RP id)."""
        wanted_rp = rp_id or self.rp_id
        for record in self.credentials.values():
            if record.user_handle == user_handle and record.rp_id == wanted_rp:
                return record
        raise KeyError(user_handle)

    def _choose(
        self, rp_id: str, allow_credentials: list[dict[str, Any]], credential_id: bytes | None
    ) -> CredentialRecord:
        if credential_id is not None:
            try:
                return self.credentials[credential_id]
            except KeyError:
                raise AuthenticatorError("no such credential on this authenticator") from None
        allowed = {b64url_decode(c["id"]) for c in allow_credentials}
        candidates = [
            record
            for record in self.credentials.values()
            if record.rp_id == rp_id and (not allowed or record.credential_id in allowed)
        ]
        if not candidates:
            # A browser would time out / reject with NotAllowedError.
            raise AuthenticatorError(f"no usable credential for RP {rp_id!r}")
        if len(candidates) > 1:
            # A browser would show an account picker; a test must say whom it means.
            raise AuthenticatorError(
                f"{len(candidates)} credentials for RP {rp_id!r}; pass credential_id"
            )
        return candidates[0]

    def _client_data(self, ceremony: str, challenge: str, origin: str | None) -> bytes:
        # Compact JSON with members in the order browsers emit them (§5.8.1.1); the RP must
        # hash these exact bytes, so they are produced once and reused for the signature.
        client_data = {
            "type": ceremony,
            "challenge": challenge,
            "origin": origin or self.origin,
            "crossOrigin": False,
        }
        return json.dumps(client_data, separators=(",", ":")).encode()

    def _authenticator_data(
        self,
        rp_id: str,
        *,
        sign_count: int,
        user_present: bool,
        user_verified: bool,
        attested_credential_data: bytes = b"",
    ) -> bytes:
        flags = 0
        if user_present:
            flags |= FLAG_UP
        if user_verified:
            flags |= FLAG_UV
        if self.backup_eligible:
            flags |= FLAG_BE
        if self.backed_up:
            flags |= FLAG_BS
        if attested_credential_data:
            flags |= FLAG_AT
        return (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([flags])
            + struct.pack(">I", sign_count)
            + attested_credential_data
        )


def _cose_public_key(public_key: ec.EllipticCurvePublicKey) -> bytes:
    numbers = public_key.public_numbers()
    # Canonical CBOR (CTAP2 ordering: 1, 3, -1, -2, -3); coordinates are fixed 32-byte strings.
    return cbor2.dumps(
        {
            1: COSE_KTY_EC2,
            3: COSE_ALG_ES256,
            -1: COSE_CRV_P256,
            -2: numbers.x.to_bytes(32, "big"),
            -3: numbers.y.to_bytes(32, "big"),
        },
        canonical=True,
    )
