"""Meldcode demo data: a second school of the board, cases at different steps, a sharing log,
social maps, and teachers with and without a completed reporting-code course.

Texts are encrypted with the development key (settings refuse it in production, where no demo
data is loaded).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.core.hashing import hash_password
from domain.core.orgtree import OrgUnitKind as K
from domain.core.roles import Role
from domain.meldcode.sharing import PartnerKind
from domain.meldcode.steps import CaseStatus, Decision
from domain.school.timetable import local_date
from persistence.academy.models import Course, Enrolment, Learner
from persistence.core import people as identity_q
from persistence.core.models import Person
from persistence.core.tree import create_unit
from persistence.meldcode.cipher import DEV_KEY, Keyring
from persistence.meldcode.models import (
    CarePartner,
    MeldcodeCase,
    MeldcodeFeedback,
    MeldcodeSchoolProfile,
    MeldcodeSharing,
    MeldcodeSignal,
    MeldcodeStepEntry,
    MeldcodeTrainingCourse,
)
from persistence.school import queries as school_q
from persistence.school.models import Pupil, pk
from persistence.types import utcnow

ESCH_CARE = "zorg@deesch.example"  # CARE_COORDINATOR of De Esch
ESCH_TEACHER = "l.bakker@deesch.example"  # TEACHER at De Esch, no training


async def _person(session: AsyncSession, email: str, given: str, family: str, pw: str) -> Person:
    return await identity_q.add(
        session,
        Person(
            email=email,
            given_name=given,
            family_name=family,
            password_hash=pw,
            profile_completed=True,
        ),
    )


def _social_map(school_id: int, region: str) -> list[CarePartner]:
    return [
        CarePartner(
            school_unit_id=school_id,
            kind=PartnerKind.VEILIG_THUIS,
            name=f"Veilig Thuis {region}",
            contact_person="M. de Wit",
            phone="0800 2000",
        ),
        CarePartner(
            school_unit_id=school_id,
            kind=PartnerKind.NEIGHBOURHOOD_TEAM,
            name=f"Wijkteam {region}",
            contact_person="S. Koster",
            phone="030 222 33 44",
        ),
        CarePartner(
            school_unit_id=school_id,
            kind=PartnerKind.POLICE,
            name=f"Politie {region}, wijkagent",
            contact_person="R. Peters",
        ),
        CarePartner(
            school_unit_id=school_id,
            kind=PartnerKind.YOUTH_HEALTH_CARE,
            name=f"GGD {region}, jeugdarts",
            contact_person="dr. A. Lam",
        ),
    ]


async def load_meldcode_demo(
    session: AsyncSession, units: dict[str, Any], people: dict[str, Any]
) -> None:
    from portaal.demo import DEMO_PASSWORD

    keys = Keyring([DEV_KEY])
    add = identity_q.add
    pw = hash_password(DEMO_PASSWORD)
    on = local_date(utcnow())

    # A second school of the board, with its own care coordinator, a teacher and a pupil.
    esch = await create_unit(session, K.SCHOOL, "Basisschool De Esch", units["board"], "88YY")
    esch_loc = await create_unit(session, K.LOCATION, "De Esch hoofdgebouw", esch)
    group8 = await create_unit(session, K.CLASS, "Groep 8", esch_loc)
    care = await _person(session, ESCH_CARE, "Esra", "Kaya", pw)
    await identity_q.assign_role(session, care.id, Role.CARE_COORDINATOR, esch.id)  # type: ignore[arg-type]
    teacher = await _person(session, ESCH_TEACHER, "Lieke", "Bakker", pw)
    await identity_q.assign_role(session, teacher.id, Role.TEACHER, esch_loc.id)  # type: ignore[arg-type]
    sem = await _person(session, "sem.visser@leerling.deesch.example", "Sem", "Visser", pw)
    await identity_q.assign_role(session, sem.id, Role.PUPIL, group8.id)  # type: ignore[arg-type]
    sem_pupil = await add(
        session,
        Pupil(
            person_id=pk(sem),
            school_unit_id=pk(esch),
            class_unit_id=pk(group8),
            student_number="E-801",
            date_of_birth=on.replace(year=on.year - 11),
        ),
    )

    # Social maps.
    partners: dict[int, list[CarePartner]] = {}
    for school, region in ((units["school"], "Utrecht"), (esch, "Amersfoort")):
        partners[pk(school)] = [await add(session, p) for p in _social_map(pk(school), region)]
        await add(
            session,
            MeldcodeSchoolProfile(
                school_unit_id=pk(school),
                care_coordinator_hours_per_week=4 if school is esch else 8,
                plan_dated_on=on - timedelta(days=400),
                plan_evaluated_on=on - timedelta(days=30) if school is not esch else None,
                on_yearly_agenda=school is not esch,
                verwijsindex_connected=True,
            ),
        )

    # Reporting-code training: Rik Mulder completed it in the academy; Joke Dekker and Lieke
    # Bakker did not.
    course = await add(
        session,
        Course(
            title="Leerkrachten: werken met een meldcode",
            description="Signaleren en omgaan met vermoedens van kindermishandeling.",
            estimated_minutes=120,
        ),
    )
    await add(session, MeldcodeTrainingCourse(course_id=course.id))
    # The school's staff learn in an academy of their own (Augeo's, in the seed), so the
    # Zorgacademie's clusters and seats stay as they are.
    augeo = await create_unit(session, K.ACADEMY, "Augeo Academy", units["platform"], "AUG")
    team = await create_unit(session, K.CLUSTER, "Team Lindenhove", augeo)
    mulder = people["r.mulder@lindenhove.example"]
    await add(session, Learner(person_id=mulder.id, cluster_id=pk(team), magazine=False))
    done = datetime.now(UTC) - timedelta(days=60)
    await add(
        session,
        Enrolment(
            person_id=mulder.id,
            course_id=course.id,
            cluster_id=pk(team),
            progress_percent=100,
            started_at=done - timedelta(days=3),
            completed_at=done,
        ),
    )

    # Cases: Tim at Lindenhove (step 5, reported, sharing, feedback overdue); Sem at De Esch
    # (step 2, open).
    found = await school_q.pupils_by_person(
        session, [pk(people["tim.bos@leerling.lindenhove.example"])]
    )
    tim = found[0]
    assert tim is not None
    opened = on - timedelta(days=40)
    lindenhove = units["school"]
    case = await add(
        session,
        MeldcodeCase(
            school_unit_id=lindenhove.id,
            pupil_ref=keys.blind_ref(str(tim.id)),
            pupil_ciphertext=keys.encrypt(str(tim.id)),
            opened_by_person_id=mulder.id,
            opened_on=opened,
            status=CaseStatus.OPEN,
            verwijsindex_signalled_on=opened + timedelta(days=10),
        ),
    )
    await add(
        session,
        MeldcodeSignal(
            case_id=case.id,
            author_person_id=mulder.id,
            observed_on=opened,
            text_ciphertext=keys.encrypt(
                "Tim komt al een week zonder ontbijt en met blauwe plekken op school."
            ),
        ),
    )
    coordinator = people["zorg@lindenhove.example"]
    texts = [
        "Signalen vastgelegd: blauwe plekken op de bovenarm, vermoeidheid.",
        "Overlegd met de intern begeleider; Veilig Thuis om advies gevraagd.",
        "Gesprek met moeder gevoerd; zij herkent de zorgen deels.",
        "Afweging: risico blijft bestaan; Veilig Thuis geraadpleegd.",
        "Besluit: melding bij Veilig Thuis.",
    ]
    for step, text in enumerate(texts, start=1):
        await add(
            session,
            MeldcodeStepEntry(
                case_id=case.id,
                step=step,
                entry_date=opened + timedelta(days=3 * step),
                author_person_id=coordinator.id,
                deliberation_ciphertext=keys.encrypt(text),
                documented=True,
                veilig_thuis_advice=step in (2, 4),
                decision=Decision.REPORT_TO_VEILIG_THUIS if step == 5 else None,
                reported_on=opened + timedelta(days=15) if step == 5 else None,
            ),
        )
    vt, wijk, *_ = partners[lindenhove.id]
    await add(
        session,
        MeldcodeSharing(
            case_id=case.id,
            partner_id=vt.id,
            partner_kind=vt.kind,
            shared_on=opened + timedelta(days=15),
            consent_obtained=False,
            purpose_ciphertext=keys.encrypt("Melding kindermishandeling"),
            recorded_by_person_id=coordinator.id,
        ),
    )
    await add(
        session,
        MeldcodeSharing(
            case_id=case.id,
            partner_id=wijk.id,
            partner_kind=wijk.kind,
            shared_on=opened + timedelta(days=16),
            consent_obtained=True,
            purpose_ciphertext=keys.encrypt(
                "Gezinsondersteuning afstemmen, met toestemming van moeder"
            ),
            recorded_by_person_id=coordinator.id,
        ),
    )
    await add(
        session,
        MeldcodeFeedback(case_id=case.id, partner_id=vt.id, expected_by=on - timedelta(days=5)),
    )
    sem_case = await add(
        session,
        MeldcodeCase(
            school_unit_id=pk(esch),
            pupil_ref=keys.blind_ref(str(sem_pupil.id)),
            pupil_ciphertext=keys.encrypt(str(sem_pupil.id)),
            opened_by_person_id=teacher.id,
            opened_on=on - timedelta(days=10),
            status=CaseStatus.OPEN,
        ),
    )
    await add(
        session,
        MeldcodeSignal(
            case_id=sem_case.id,
            author_person_id=teacher.id,
            observed_on=on - timedelta(days=10),
            text_ciphertext=keys.encrypt("Sem vertelt over ruzies thuis en slaapt slecht."),
        ),
    )
    for step in (1, 2):
        await add(
            session,
            MeldcodeStepEntry(
                case_id=sem_case.id,
                step=step,
                entry_date=on - timedelta(days=10 - 2 * step),
                author_person_id=care.id,
                deliberation_ciphertext=keys.encrypt("Signalen besproken." if step == 1 else ""),
                documented=step == 1,
            ),
        )
