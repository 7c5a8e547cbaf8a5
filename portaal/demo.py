"""A fictional but realistic demo data set for all four portals; later issues extend it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.core.hashing import hash_password
from domain.core.orgtree import OrgUnitKind as K
from domain.core.roles import Role
from persistence.core import people as identity_q
from persistence.core import tree as org_q
from persistence.core.models import OrgUnit, Person
from persistence.core.tree import create_unit
from persistence.db import Database
from portaal.demo_academy import load_academy_demo
from portaal.demo_institute import load_institute_demo
from portaal.demo_meldcode import load_meldcode_demo
from portaal.demo_school import load_school_demo

DEMO_PASSWORD = "Zonnebloem-42!"

# (e-mail, given name, prefix, family name, role, unit key)
PEOPLE = [
    ("beheer@portaal.example", "Petra", "", "Platform", Role.PLATFORM_ADMIN, "platform"),
    ("orgbeheer@zorgacademie.example", "Olga", "van", "Dijk", Role.ACADEMY_ORG_ADMIN, "academy"),
    ("noord@zorgacademie.example", "Niels", "", "Bakker", Role.CLUSTER_ADMIN, "noord"),
    ("zuid@zorgacademie.example", "Zeynep", "", "Yilmaz", Role.CLUSTER_ADMIN, "zuid"),
    ("lotte.jansen@example.org", "Lotte", "", "Jansen", Role.LEARNER, "noord"),
    ("sanne.visser@example.org", "Sanne", "", "Visser", Role.LEARNER, "noord"),
    ("ahmed.elamrani@example.org", "Ahmed", "el", "Amrani", Role.LEARNER, "zuid"),
    ("administratie@debrug.example", "Ingrid", "", "Hoekstra", Role.INSTITUTE_STAFF, "institute"),
    ("martin.sommer@welzijn.example", "Martin", "", "Sommer", Role.CLIENT_ORG_ADMIN, "welzijn"),
    ("martin.sommer@welzijn.example", "Martin", "", "Sommer", Role.CONTACT, "welzijn"),
    ("fatima.bouali@welzijn.example", "Fatima", "", "Bouali", Role.CONTACT, "welzijn"),
    ("kees.degroot@veendam.example", "Kees", "de", "Groot", Role.CONTACT, "veendam"),
    ("administratie@lindenhove.example", "Anouk", "", "Smit", Role.SCHOOL_ADMIN, "school"),
    ("r.mulder@lindenhove.example", "Rik", "", "Mulder", Role.TEACHER, "centrum"),
    ("zorg@lindenhove.example", "Carla", "", "Meijer", Role.CARE_COORDINATOR, "school"),
    ("directie@lindenhove.example", "Dirk", "", "Vos", Role.DIRECTOR, "school"),
    ("contact@stichtinglinden.example", "Bea", "", "Kramer", Role.BOARD_CONTACT, "board"),
    ("tim.bos@leerling.lindenhove.example", "Tim", "", "Bos", Role.PUPIL, "3a"),
]

DEMO_LOGINS = [
    ("beheer@portaal.example", "platform admin"),
    ("orgbeheer@zorgacademie.example", "academy organisation admin"),
    ("noord@zorgacademie.example", "cluster admin, Regio Noord"),
    ("lotte.jansen@example.org", "learner, Regio Noord"),
    ("administratie@debrug.example", "institute staff"),
    ("martin.sommer@welzijn.example", "client organisation admin + contact"),
    ("jeroen.kok@example.nl", "contact of two client organisations"),
    ("els.dekker@example.nl", "private customer of the institute"),
    ("administratie@lindenhove.example", "school administration"),
    ("r.mulder@lindenhove.example", "teacher"),
    ("tim.bos@leerling.lindenhove.example", "pupil (15)"),
    ("sandra.bos@example.nl", "guardian of Tim and Eva (Eva, 18, has not consented)"),
    ("peter.bos@example.com", "guardian, separated parent with an own account"),
    ("contact@stichtinglinden.example", "school board contact"),
    ("zorg@lindenhove.example", "meldcode care coordinator, Lindenhove College"),
    ("directie@lindenhove.example", "director of Lindenhove College (meldcode figures)"),
    ("zorg@deesch.example", "meldcode care coordinator, Basisschool De Esch"),
]


async def _tree(session: AsyncSession) -> dict[str, OrgUnit]:
    u: dict[str, OrgUnit] = {}
    u["platform"] = await create_unit(session, K.PLATFORM, "Portaal", None)
    u["academy"] = await create_unit(
        session, K.ACADEMY, "Zorgacademie Nederland", u["platform"], "ZAN"
    )
    u["noord"] = await create_unit(session, K.CLUSTER, "Regio Noord", u["academy"])
    u["zuid"] = await create_unit(session, K.CLUSTER, "Regio Zuid", u["academy"])
    u["institute"] = await create_unit(
        session, K.INSTITUTE, "Opleidingsinstituut De Brug", u["platform"]
    )
    u["welzijn"] = await create_unit(
        session, K.CLIENT_ORGANISATION, "Zorggroep Welzijn BV", u["institute"], "K-1001"
    )
    u["veendam"] = await create_unit(
        session, K.CLIENT_ORGANISATION, "Gemeente Veendam", u["institute"], "K-1002"
    )
    u["board"] = await create_unit(
        session, K.SCHOOL_BOARD, "Stichting Lindenhove Onderwijs", u["platform"]
    )
    u["school"] = await create_unit(session, K.SCHOOL, "Lindenhove College", u["board"], "99XX")
    u["centrum"] = await create_unit(session, K.LOCATION, "Locatie Centrum", u["school"])
    u["noordloc"] = await create_unit(session, K.LOCATION, "Locatie Noord", u["school"])
    u["3a"] = await create_unit(session, K.CLASS, "3A", u["centrum"])
    u["3b"] = await create_unit(session, K.CLASS, "3B", u["centrum"])
    u["4h"] = await create_unit(session, K.CLASS, "4H", u["noordloc"])
    return u


async def load_demo(db: Database, *, only_if_empty: bool = False) -> bool:
    async with db.transaction() as session:
        if only_if_empty and await org_q.root(session) is not None:
            return False
        units = await _tree(session)
        password_hash = hash_password(DEMO_PASSWORD)
        people: dict[str, Person] = {}
        for email, given, prefix, family, role, key in PEOPLE:
            if email not in people:
                people[email] = await identity_q.add(
                    session,
                    Person(
                        email=email,
                        given_name=given,
                        name_prefix=prefix,
                        family_name=family,
                        password_hash=password_hash,
                        profile_completed=True,
                    ),
                )
            await identity_q.assign_role(session, people[email].id, role, units[key].id)  # type: ignore[arg-type]
        await load_academy_demo(session, units, people)
        await load_school_demo(session, units, people)
        await load_institute_demo(session, units, people, password_hash)
        await load_meldcode_demo(session, units, people)
    return True
