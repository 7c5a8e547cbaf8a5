"""Academy user mutations: add, hide, show, delete and move users."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from resolvers.academy.users import add_users, delete_users, move_user, set_hidden
from resolvers.core.i18n import render, translate
from schema.academy.inputs import ORG_ADMINS, UserSelectionInput, to_selection
from schema.academy.payloads import (
    AddUserOutcome,
    AddUserResult,
    AddUsersPayload,
    DeleteUserResult,
    DeleteUsersPayload,
    UsersPayload,
    _learners,
)
from schema.academy.types import (
    ADMINS,
    LearnerNode,
)
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires


@strawberry.type
class AcademyUserMutations:
    @requires(
        ADMINS,
        on="clusterId",
        description="Add users by e-mail address, one per line as pasted. Trims, marks repeats, "
        "checks each and answers per entry in the order pasted; refuses the whole list when the cluster's seat limit would be exceeded. New people get an "
        "activation mail. Atomic.",
    )
    async def add_users(
        self,
        info: Info,
        cluster_id: Annotated[strawberry.ID, arg("The cluster.")],
        emails: Annotated[
            list[str],
            arg("Addresses; a line may also hold several, separated by commas or semicolons."),
        ],
    ) -> AddUsersPayload:
        async def work() -> AddUsersPayload:
            result = await add_users(
                info.context, decode_expected(cluster_id, "OrgUnit", "clusterId"), emails
            )
            out = []
            for r in result.results:
                learner = await LearnerNode.build(info.context, r.learner) if r.learner else None
                out.append(
                    AddUserResult(
                        entry=r.entry,
                        outcome=AddUserOutcome(r.outcome.value),
                        message=render(r.message),  # in the viewer's language
                        learner=learner,
                    )
                )
            return AddUsersPayload(
                results=out, seats_left=result.seats_left, duplicates_skipped=result.duplicates
            )

        return await attempt(AddUsersPayload, work)

    @requires(ADMINS, description="Hide users from the lists (their data stays).")
    async def hide_users(
        self, info: Info, selection: Annotated[UserSelectionInput, arg("The users.")]
    ) -> UsersPayload:
        async def work() -> UsersPayload:
            return UsersPayload(
                users=await _learners(
                    info, await set_hidden(info.context, to_selection(selection), True)
                )
            )

        return await attempt(UsersPayload, work)

    @requires(ADMINS, description="Show hidden users again.")
    async def show_users(
        self, info: Info, selection: Annotated[UserSelectionInput, arg("The users.")]
    ) -> UsersPayload:
        async def work() -> UsersPayload:
            return UsersPayload(
                users=await _learners(
                    info, await set_hidden(info.context, to_selection(selection), False)
                )
            )

        return await attempt(UsersPayload, work)

    @requires(
        ADMINS,
        description="Delete users who have not started any training; the others are listed with the reason.",
    )
    async def delete_users(
        self, info: Info, selection: Annotated[UserSelectionInput, arg("The users.")]
    ) -> DeleteUsersPayload:
        async def work() -> DeleteUsersPayload:
            outcomes = await delete_users(info.context, to_selection(selection))
            return DeleteUsersPayload(
                results=[
                    DeleteUserResult(
                        user_id=LearnerNode.global_id(o.learner),
                        deleted=o.deleted,
                        reason=translate(o.reason) if o.reason else None,
                    )
                    for o in outcomes
                ]
            )

        return await attempt(DeleteUsersPayload, work)

    @requires(
        ORG_ADMINS,
        on="userId",
        description="Move a user to another cluster of the organisation (organisation admins only).",
    )
    async def move_user_to_cluster(
        self,
        info: Info,
        user_id: Annotated[strawberry.ID, arg("The user (Learner ID).")],
        cluster_id: Annotated[strawberry.ID, arg("The target cluster.")],
    ) -> UsersPayload:
        async def work() -> UsersPayload:
            learner = await move_user(
                info.context,
                decode_expected(user_id, "Learner", "userId"),
                decode_expected(cluster_id, "OrgUnit", "clusterId"),
            )
            return UsersPayload(users=await _learners(info, [learner]))

        return await attempt(UsersPayload, work)
