"""Login, logout, passwords, activation, profile and acting-as."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from persistence.core.models import OneTimePurpose
from resolvers.core import accounts
from resolvers.core import session as session_resolvers
from resolvers.core.i18n import N_, translate
from schema.core.identity import Language, PersonNode, Viewer
from schema.core.info import Info
from schema.core.payloads import arg, attempt, errors_field
from schema.core.permissions import authenticated, public
from schema.core.relay import UserError

RESET_ANSWER = N_(
    "If an account exists for this address, we have sent it a link to set a new password. "
    "The link works once and for one hour."
)


@strawberry.input(description="Your name at activation; null keeps what the admin entered.")
class ActivationProfileInput:
    given_name: str | None = strawberry.field(
        default=None, description="Your given name; null keeps what is known."
    )
    name_prefix: str | None = strawberry.field(
        default=None, description="Name prefix, e.g. 'van'; null keeps it."
    )
    family_name: str | None = strawberry.field(
        default=None, description="Your family name; null keeps what is known."
    )


@strawberry.input(description="Changes to your own profile; null keeps a value.")
class UpdateProfileInput:
    given_name: str | None = strawberry.field(default=None, description="Given name.")
    name_prefix: str | None = strawberry.field(
        default=None, description="Name prefix (tussenvoegsel)."
    )
    family_name: str | None = strawberry.field(default=None, description="Family name.")
    language: Language | None = strawberry.field(
        default=None, description="Language for interface and mails."
    )
    phone: str | None = strawberry.field(
        default=None, description="Phone number; empty string removes it."
    )


@strawberry.type(description="Result of a mutation that logs you in.")
class SessionPayload:
    token: str | None = public(
        description="Bearer token for the `Authorization` header. Shown once; keep it secret.",
        default=None,
    )
    expires_at: datetime | None = public(description="When the session ends.", default=None)
    viewer: Viewer | None = public(description="You, now logged in.", default=None)
    device_token: str | None = public(
        description="Proof that this device logged in to this account: send it as `deviceToken` "
        "with the next login (or keep the `portaal_device` cookie) so someone else's failed "
        "attempts for your address never slow you down. Keep it with the app or browser.",
        default=None,
    )
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of logout.")
class LogoutPayload:
    ok: bool = public(description="True when the session was ended.", default=False)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of a mutation that changes a person.")
class PersonPayload:
    person: PersonNode | None = public(description="The person as changed.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of a password-reset request.")
class RequestPasswordResetPayload:
    message: str | None = public(
        description="The same answer for every address, so nobody can find out who has an account.",
        default=None,
    )
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of choosing whom you act for.")
class ViewerPayload:
    viewer: Viewer | None = public(description="You, acting as chosen.", default=None)
    errors: list[UserError] = errors_field()


async def _session_payload(info: Info, new: accounts.NewSession) -> SessionPayload:
    await session_resolvers.become(info.context, new)
    return SessionPayload(
        token=new.secret,
        expires_at=new.expires_at,
        viewer=Viewer(person_row=new.person),
        device_token=new.device_token,
    )


@strawberry.type
class AccountMutations:
    @public(
        description="Log in with e-mail address and password. Wrong address and wrong password "
        "give the same answer. Failed attempts are limited per client address; per account they "
        "slow down unknown devices only (send `deviceToken`). Throttled: HTTP 429 with Retry-After."
    )
    async def login(
        self,
        info: Info,
        email: Annotated[str, arg("Your e-mail address.")],
        password: Annotated[str, arg("Your password.")],
        remember_me: Annotated[bool, arg("Stay logged in for weeks instead of hours.")] = False,
        set_cookie: Annotated[
            bool, arg("Also set an HttpOnly session cookie (for browsers).")
        ] = False,
        device_token: Annotated[
            str | None,
            arg(
                "The `deviceToken` of an earlier login on this device; null uses the "
                "`portaal_device` cookie, if any."
            ),
        ] = None,
    ) -> SessionPayload:
        async def work() -> SessionPayload:
            new = await accounts.login(
                info.context, email, password, remember_me, set_cookie, device_token
            )
            return await _session_payload(info, new)

        return await attempt(SessionPayload, work)

    @authenticated(description="End this session and forget the session cookie.")
    async def logout(self, info: Info) -> LogoutPayload:
        await accounts.logout(info.context)
        return LogoutPayload(ok=True)

    @authenticated(
        description="Change your password: the current one, and the new one twice. "
        "Your other sessions are ended."
    )
    async def change_password(
        self,
        info: Info,
        old_password: Annotated[str, arg("Your current password.")],
        new_password: Annotated[str, arg("The new password.")],
        confirmation: Annotated[str, arg("The new password again.")],
    ) -> PersonPayload:
        async def work() -> PersonPayload:
            person = await accounts.change_password(
                info.context, old_password, new_password, confirmation
            )
            return PersonPayload(person=await PersonNode.load(info, person))

        return await attempt(PersonPayload, work)

    @public(
        description="Ask for a link to set a new password. The answer is the same whether or "
        "not the address has an account (the seed differs here, on purpose)."
    )
    async def request_password_reset(
        self,
        info: Info,
        email: Annotated[str, arg("The account's e-mail address.")],
        device_token: Annotated[
            str | None,
            arg("The `deviceToken` of an earlier login on this device, if any."),
        ] = None,
    ) -> RequestPasswordResetPayload:
        async def work() -> RequestPasswordResetPayload:
            await accounts.request_password_reset(info.context, email, device_token)
            return RequestPasswordResetPayload(message=translate(RESET_ANSWER))

        return await attempt(RequestPasswordResetPayload, work)

    @public(
        description="Set a new password with the link from the reset mail. The link works once; "
        "all your sessions end and you are logged in anew."
    )
    async def reset_password(
        self,
        info: Info,
        token: Annotated[str, arg("The token from the link.")],
        new_password: Annotated[str, arg("The new password.")],
    ) -> SessionPayload:
        async def work() -> SessionPayload:
            new = await accounts.use_link(
                info.context, OneTimePurpose.PASSWORD_RESET, token, new_password
            )
            return await _session_payload(info, new)

        return await attempt(SessionPayload, work)

    @public(
        description="Activate an invited account: choose your own password (we never mail one) "
        "and complete your name. The link works once and for 14 days."
    )
    async def activate_account(
        self,
        info: Info,
        token: Annotated[str, arg("The token from the activation link.")],
        password: Annotated[str, arg("The password you choose.")],
        profile: Annotated[
            ActivationProfileInput | None, arg("Your name; null keeps what the admin entered.")
        ] = None,
    ) -> SessionPayload:
        async def work() -> SessionPayload:
            names = profile or ActivationProfileInput()
            profile_changes = accounts.profile_changes(
                names.given_name, names.name_prefix, names.family_name
            )
            new = await accounts.use_link(
                info.context, OneTimePurpose.ACTIVATION, token, password, profile=profile_changes
            )
            return await _session_payload(info, new)

        return await attempt(SessionPayload, work)

    @authenticated(
        description="Change your own name, language or phone number. Null keeps a value."
    )
    async def update_my_profile(
        self,
        info: Info,
        input: Annotated[UpdateProfileInput, arg("The changes; null keeps a value.")],
    ) -> PersonPayload:
        async def work() -> PersonPayload:
            person = await accounts.update_profile(
                info.context,
                {
                    "given_name": input.given_name,
                    "name_prefix": input.name_prefix,
                    "family_name": input.family_name,
                    "language": input.language.value if input.language else None,
                    "phone": input.phone,
                },
            )
            return PersonPayload(person=await PersonNode.load(info, person))

        return await attempt(PersonPayload, work)

    @authenticated(
        description="Choose to act as yourself (null) or for an organisation you belong "
        "to; it decides what you see and who is invoiced for your enrolments."
    )
    async def act_as(
        self,
        info: Info,
        organisation_id: Annotated[
            strawberry.ID | None, arg("A client organisation's ID, or null to act as yourself.")
        ] = None,
    ) -> ViewerPayload:
        async def work() -> ViewerPayload:
            unit_id = (
                decode_expected(organisation_id, "OrgUnit", "organisationId")
                if organisation_id
                else None
            )
            await accounts.act_as(info.context, unit_id)
            person = await session_resolvers.current_person(info.context)
            return ViewerPayload(viewer=Viewer(person_row=person))

        return await attempt(ViewerPayload, work)
