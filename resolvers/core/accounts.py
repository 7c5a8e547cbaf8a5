"""Accounts and sessions: login, logout, passwords, single-use links, profile, acting-as."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from domain.core import accounts, devices, ratelimit
from domain.core.emails import normalize_email
from domain.core.errors import DomainError, ErrorCode
from domain.core.hashing import (
    hash_password,
    hash_secret,
    needs_rehash,
    new_secret,
    verify_password,
)
from domain.core.passwords import check_password
from domain.core.roles import ACTING_ROLES
from persistence.background import jobs as jobs_q
from persistence.batching import insert_many
from persistence.core import people as q
from persistence.core.models import (
    AccessToken,
    Language,
    OneTimePurpose,
    OneTimeToken,
    Person,
    TokenKind,
)
from persistence.db import UnitOfWork
from persistence.types import utcnow
from resolvers.background.mail import QueuedMail, enqueue, enqueue_many, render
from resolvers.context import Context
from resolvers.core.i18n import N_

GENERIC_LOGIN_ERROR = N_("The e-mail address or password is wrong.")


@dataclass
class NewSession:
    secret: str
    expires_at: datetime
    person: Person
    token_id: int
    device_token: str | None = None


def _names(person: Person) -> list[str]:
    return [person.given_name, person.name_prefix, person.family_name]


RATE_LIMITED_MINUTES = N_("Too many attempts. Try again in {minutes} minutes.")
RATE_LIMITED_SECONDS = N_("Too many attempts. Try again in {seconds} seconds.")


def rate_limited(ctx: Context, wait: int) -> DomainError:
    """The RATE_LIMITED error; the HTTP layer answers 429 with `Retry-After: wait`."""
    ctx.extra["retry_after_seconds"] = max(wait, ctx.extra.get("retry_after_seconds", 0))
    if wait >= 90:
        return DomainError(
            ErrorCode.RATE_LIMITED,
            RATE_LIMITED_MINUTES,
            minutes=max(1, round(wait / 60)),
            seconds=wait,
        )
    return DomainError(ErrorCode.RATE_LIMITED, RATE_LIMITED_SECONDS, seconds=wait)


async def _check_rate(
    ctx: Context,
    session: Any,
    limits: list[tuple[ratelimit.Limit, str]],
    now: datetime,
    backoff_key: str | None = None,
) -> None:
    """Refuse when a hard limit is reached, or while the account's backoff runs."""
    window = max(limit.window for limit, _ in limits)
    keys = [key for _, key in limits] + ([backoff_key] if backoff_key else [])
    times = await q.throttle_times(session, keys, now - window)
    waits = [ratelimit.retry_after(limit, times[key], now) for limit, key in limits]
    if backoff_key:
        waits.append(ratelimit.backoff(times[backoff_key], now, window))
    wait = max((w for w in waits if w is not None), default=None)
    if wait is not None:
        raise rate_limited(ctx, wait)


async def _start_session(
    ctx: Context, uow: UnitOfWork, person: Person, remember: bool, now: datetime
) -> NewSession:
    secret = new_secret()
    lifetime = accounts.session_lifetime(
        remember, ctx.settings.session_hours, ctx.settings.remember_days
    )
    token = uow.add(
        AccessToken(
            kind=TokenKind.SESSION,
            token_hash=hash_secret(secret),
            person_id=person.id,  # type: ignore[arg-type]
            remember=remember,
            expires_at=now + lifetime,
            last_used_at=now,
        )
    )
    await uow.flush()
    assert token.id is not None
    return NewSession(secret=secret, expires_at=now + lifetime, person=person, token_id=token.id)


def _cookie(ctx: Context, new: NewSession, remember: bool) -> None:
    # Without "remember me" the cookie is a browser-session cookie: closing the browser forgets it.
    max_age = int((new.expires_at - utcnow()).total_seconds()) if remember else None
    ctx.cookie_to_set = (new.secret, max_age)


DEVICE_COOKIE = "portaal_device"


def _device(ctx: Context, presented: str | None, address: str) -> str | None:
    """The device id of a device token for this account: the argument, else the cookie."""
    if presented is None and ctx.request is not None:
        presented = ctx.request.cookies.get(DEVICE_COOKIE)
    return devices.device_id(ctx.settings.secret_key, presented, address)


async def login(
    ctx: Context,
    email: str,
    password: str,
    remember_me: bool,
    set_cookie: bool,
    device_token: str | None = None,
) -> NewSession:
    """Lock-out-proof (docs/security.md, "Rate limits"): the client address has a hard limit;
    a known device has its own; unknown devices share a bounded per-account backoff."""
    now = utcnow()
    try:
        address = normalize_email(email)
    except DomainError:
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, GENERIC_LOGIN_ERROR) from None
    device = _device(ctx, device_token, address)
    limits = [(ratelimit.LOGIN_PER_ADDRESS, f"login:address:{ctx.client_address}")]
    account_key = f"login:account:{address}"
    if device is not None:
        limits.append((ratelimit.LOGIN_PER_DEVICE, f"login:device:{address}:{device}"))
    async with ctx.uow() as uow:
        await _check_rate(
            ctx, uow.session, limits, now, backoff_key=None if device else account_key
        )
        person = await q.person_by_email(uow.session, address)
        ok = verify_password(person.password_hash if person else None, password)
        if not ok or person is None or person.deactivated_at is not None:
            counted = [key for _, key in limits] + ([] if device else [account_key])
            await q.record_throttle(uow.session, counted, now)
            await uow.audit(
                "LOGIN_FAILED", subject=person.id if person else None, detail=f"email={address}"
            )
            new = None
        else:
            if person.password_hash and needs_rehash(person.password_hash):
                person.password_hash = hash_password(password)
            await q.clear_throttle(uow.session, [k for _, k in limits[1:]] + [account_key])
            new = await _start_session(ctx, uow, person, remember_me, now)
            uow.actor = person.id  # the person who just logged in is the one acting
            await uow.audit("LOGIN")
        # The failed attempt is committed too, so the limiter counts it.
        await uow.commit()
    if new is None:
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, GENERIC_LOGIN_ERROR)
    # A known device keeps its token; a new one gets one, for its next login.
    new.device_token = (
        device_token
        if device is not None and device_token
        else devices.issue(ctx.settings.secret_key, address)
    )
    if set_cookie:
        _cookie(ctx, new, remember_me)
        ctx.extra["device_cookie"] = new.device_token
    return new


async def logout(ctx: Context) -> None:
    now = utcnow()
    async with ctx.uow() as uow:
        if ctx.token_id is not None:
            token = await q.token_by_id(uow.session, ctx.token_id)
            if token and token.kind == TokenKind.SESSION and token.revoked_at is None:
                token.revoked_at = now
                await uow.audit("LOGOUT")
        await uow.commit()
    ctx.cookie_to_clear = True


def require_login_session(ctx: Context) -> None:
    """Your own account is changed from a login, never by a script's API token."""
    if ctx.viewer.token_scoped:
        raise DomainError(
            ErrorCode.FORBIDDEN, "An API token cannot change its owner's own account."
        )


async def _me(ctx: Context, uow: UnitOfWork) -> Person:
    require_login_session(ctx)
    person = await uow.get(Person, ctx.viewer.person_id)
    if person is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "You need to log in to do this.")
    return person


async def change_password(ctx: Context, old: str, new: str, confirmation: str) -> Person:
    require_login_session(ctx)
    now = utcnow()
    limit = [(ratelimit.LOGIN_PER_ACCOUNT, f"password:account:{ctx.viewer.person_id}")]
    async with ctx.uow() as uow:
        await _check_rate(ctx, uow.session, limit, now)
        person = await _me(ctx, uow)
        wrong = not verify_password(person.password_hash, old)
        if wrong:
            await q.record_throttle(uow.session, [limit[0][1]], now)
        await uow.commit()
    if wrong:
        raise DomainError(
            ErrorCode.WRONG_PASSWORD, "Your current password is wrong.", "oldPassword"
        )
    if new != confirmation:
        raise DomainError(ErrorCode.INVALID, "The two new passwords differ.", "confirmation")
    if new == old:
        raise DomainError(
            ErrorCode.INVALID, "Choose a password other than the current one.", "newPassword"
        )
    check_password(new, names=_names(person), email=person.email, field="newPassword")
    async with ctx.uow() as uow:
        person = await _me(ctx, uow)
        person.password_hash = hash_password(new)
        # Other devices logged in with the old password are logged out; this one stays.
        await q.revoke_sessions(uow.session, person.id, now, except_id=ctx.token_id)  # type: ignore[arg-type]
        await uow.audit("PASSWORD_CHANGED")
        await uow.commit()
    return person


async def issue_link(
    session: Any,
    person: Person,
    purpose: OneTimePurpose,
    now: datetime,
) -> str:
    secret = new_secret()
    lifetime = (
        accounts.RESET_LINK_LIFETIME
        if purpose is OneTimePurpose.PASSWORD_RESET
        else accounts.ACTIVATION_LINK_LIFETIME
    )
    await q.add(
        session,
        OneTimeToken(
            purpose=purpose,
            token_hash=hash_secret(secret),
            person_id=person.id,  # type: ignore[arg-type]
            expires_at=now + lifetime,
        ),
    )
    return secret


async def new_account(
    ctx: Context,
    uow: UnitOfWork,
    email: str,
    *,
    template: str = "activation",
    mail: dict[str, Any] | None = None,
    **person: Any,
) -> Person:
    """A new person with this (normalised) address and a single-use activation mail.

    The one place accounts are created for someone else: an admin adding a learner, inviting
    staff, registering a pupil or linking a guardian. `person` holds the Person's other fields.
    """
    row = uow.add(Person(email=email, **person))
    await uow.flush()
    await send_activation(ctx, uow.session, row, template, **(mail or {}))
    return row


async def new_accounts(
    ctx: Context,
    uow: UnitOfWork,
    emails: list[str],
    *,
    template: str = "activation",
    mail: dict[str, Any] | None = None,
) -> list[Person]:
    """`new_account` for many addresses at once (an admin pasting a thousand): the persons, their
    activation links and their mails each in one batch, not a few round trips per address."""
    now = utcnow()
    people = await insert_many(
        uow.session, Person(email=""), [{"email": e} for e in emails], key="email"
    )
    secrets = [new_secret() for _ in people]
    await insert_many(
        uow.session,
        OneTimeToken(
            purpose=OneTimePurpose.ACTIVATION,
            token_hash="",
            person_id=0,
            expires_at=now + accounts.ACTIVATION_LINK_LIFETIME,
        ),
        [
            {"token_hash": hash_secret(secret), "person_id": person.id}
            for person, secret in zip(people, secrets, strict=True)
        ],
    )
    queued: list[QueuedMail] = []
    for person, secret in zip(people, secrets, strict=True):
        rendered = render(
            template,
            person.language.value,
            name=person.given_name or person.email,
            email=person.email,
            link=f"{ctx.settings.frontend_url}/activate?token={secret}",
            **(mail or {}),
        )
        queued.append(
            QueuedMail(
                rendered,
                to=person.email,
                person_id=person.id,
                idempotency_key=f"{template}:{person.id}:{hash_secret(secret)}",
            )
        )
    await enqueue_many(uow.session, queued)
    return people


async def send_activation(
    ctx: Context, session: Any, person: Person, template: str = "activation", **values: Any
) -> None:
    """An activation link, never a password (we depart from the seeds' account mails here)."""
    secret = await issue_link(session, person, OneTimePurpose.ACTIVATION, utcnow())
    mail = render(
        template,
        person.language.value,
        name=person.given_name or person.email,
        email=person.email,
        link=f"{ctx.settings.frontend_url}/activate?token={secret}",
        **values,
    )
    await enqueue(
        session,
        mail,
        to=person.email,
        person_id=person.id,
        idempotency_key=f"{template}:{person.id}:{hash_secret(secret)}",
    )


async def request_password_reset(ctx: Context, email: str, device_token: str | None = None) -> None:
    """Same answer and the same work for every address: the request only queues a job, and
    the worker looks the address up. Timing cannot tell who has an account.

    Lock-out-proof: only the client address is refused (RATE_LIMITED). Past the per-account
    limit the answer stays the same and no further link is sent: the links already mailed
    still work. A device that logged in to the account before has its own allowance."""
    now = utcnow()
    address = normalize_email(email)
    device = _device(ctx, device_token, address)
    account = (
        (ratelimit.RESET_PER_DEVICE, f"reset:device:{address}:{device}")
        if device
        else (ratelimit.RESET_PER_ACCOUNT, f"reset:account:{address}")
    )
    limits = [(ratelimit.RESET_PER_ADDRESS, f"reset:address:{ctx.client_address}"), account]
    async with ctx.uow() as uow:
        times = await q.throttle_times(uow.session, [k for _, k in limits], now - account[0].window)
        wait = ratelimit.retry_after(limits[0][0], times[limits[0][1]], now)
        if wait is not None:
            raise rate_limited(ctx, wait)
        await q.record_throttle(uow.session, [key for _, key in limits], now)
        if ratelimit.retry_after(account[0], times[account[1]], now) is None:
            await jobs_q.schedule(
                uow.session,
                "password_reset",
                f"password_reset:{new_secret()}",
                now,
                {"email": address, "client_address": ctx.client_address},
            )
        await uow.commit()


async def send_password_reset(
    database: Any, settings: Any, address: str, client_address: str
) -> str:
    """The job behind requestPasswordReset: a single-use link for an existing, active account."""
    now = utcnow()
    async with database.transaction() as session:
        person = await q.person_by_email(session, address)
        if person is None or person.deactivated_at is not None:
            return "no account"
        secret = await issue_link(session, person, OneTimePurpose.PASSWORD_RESET, now)
        mail = render(
            "password_reset",
            person.language.value,
            name=person.given_name or person.email,
            link=f"{settings.frontend_url}/reset-password?token={secret}",
        )
        await enqueue(
            session,
            mail,
            to=person.email,
            person_id=person.id,
            idempotency_key=f"reset:{hash_secret(secret)}",
        )
        await q.audit(
            session, "PASSWORD_RESET_REQUESTED", subject=person.id, address=client_address
        )
    return "sent"


async def use_link(
    ctx: Context,
    purpose: OneTimePurpose,
    secret: str,
    password: str,
    profile: dict[str, str] | None = None,
    remember_me: bool = False,
) -> NewSession:
    """Reset or activation: single use, ends every other session, logs this one in."""
    now = utcnow()
    async with ctx.uow() as uow:
        link = await q.one_time_token(uow.session, purpose, hash_secret(secret))
        state = accounts.LinkState(link.used_at, link.expires_at) if link else None
        accounts.check_link(state, now)
        assert link is not None
        person = await uow.get(Person, link.person_id)
        assert person is not None
        if profile:
            for key, value in profile.items():
                setattr(person, key, value)
        check_password(password, names=_names(person), email=person.email)
        if not await q.consume_one_time_token(uow.session, link.id, now):  # type: ignore[arg-type]
            raise DomainError(ErrorCode.TOKEN_USED, "This link has already been used.", "token")
        await q.expire_one_time_tokens(uow.session, person.id, purpose, now)  # type: ignore[arg-type]
        person.password_hash = hash_password(password)
        if purpose is OneTimePurpose.ACTIVATION:
            person.profile_completed = bool(person.given_name and person.family_name)
        await q.revoke_sessions(uow.session, person.id, now)  # type: ignore[arg-type]
        uow.actor = person.id  # the link's owner acts, logged in or not
        await uow.audit(
            "PASSWORD_RESET" if purpose is OneTimePurpose.PASSWORD_RESET else "ACCOUNT_ACTIVATED"
        )
        new = await _start_session(ctx, uow, person, remember_me, now)
        await uow.commit()
    return new


async def update_profile(ctx: Context, changes: dict[str, Any]) -> Person:
    require_login_session(ctx)
    cleaned: dict[str, Any] = {}
    for key in ("given_name", "name_prefix", "family_name"):
        if changes.get(key) is not None:
            field = {
                "given_name": "givenName",
                "name_prefix": "namePrefix",
                "family_name": "familyName",
            }[key]
            cleaned[key] = accounts.clean_name(changes[key], field, required=key != "name_prefix")
    if changes.get("language") is not None:
        cleaned["language"] = Language(changes["language"])
    if changes.get("phone") is not None:
        phone = changes["phone"].strip()
        if (phone and not all(c.isdigit() or c in "+ -()" for c in phone)) or len(phone) > 40:
            raise DomainError(
                ErrorCode.INVALID, "A phone number has digits, spaces, + - ( ) only", "phone"
            )
        cleaned["phone"] = phone or None
    async with ctx.uow() as uow:
        person = await _me(ctx, uow)
        for key, value in cleaned.items():
            setattr(person, key, value)
        person.profile_completed = bool(person.given_name and person.family_name)
        await uow.commit()
    return person


async def act_as(ctx: Context, unit_id: int | None) -> int | None:
    """Act as yourself (None) or for an organisation you belong to ("organisatie kiezen")."""
    if unit_id is not None and not any(
        g.unit_id == unit_id and g.role in ACTING_ROLES for g in ctx.viewer.grants
    ):
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "You can only act for an organisation you belong to.",
            "organisationId",
        )
    if ctx.token_id is None or ctx.viewer.token_scoped:
        raise DomainError(ErrorCode.FORBIDDEN, "Only a login session can choose whom it acts for.")
    async with ctx.uow() as uow:
        token = await q.token_by_id(uow.session, ctx.token_id)
        assert token is not None
        token.acting_for_unit_id = unit_id
        await uow.audit("ACTING_AS", unit=unit_id)
        await uow.commit()
    ctx.viewer = replace(ctx.viewer, acting_for_unit_id=unit_id)
    return unit_id


def profile_changes(
    given_name: str | None, name_prefix: str | None, family_name: str | None
) -> dict[str, str]:
    """Checked name fields to set at activation; None leaves a field as the admin entered it."""
    changes: dict[str, str] = {}
    if given_name is not None:
        changes["given_name"] = accounts.clean_name(given_name, "givenName", required=True)
    if name_prefix is not None:
        changes["name_prefix"] = accounts.clean_name(name_prefix, "namePrefix")
    if family_name is not None:
        changes["family_name"] = accounts.clean_name(family_name, "familyName", required=True)
    return changes
