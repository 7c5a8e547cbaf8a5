"""The iCalendar feed of a pupil's timetable at a secret, revocable URL.

A phone calendar cannot log in, so the URL's secret is the credential: it is stored hashed,
can be revoked, and access is checked again on every fetch (consent, links), exactly as for a
GraphQL request. An unknown, revoked or no longer allowed feed answers None alike.
"""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar, Event

from persistence.types import utcnow
from resolvers.context import Context
from resolvers.core.i18n import translate
from resolvers.school.agenda import FeedContent, feed_content


def render_feed(content: FeedContent, host: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Portaal//School timetable//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{content.person.given_name} – {content.class_unit.name}")
    # Clients refresh at their own pace; this asks for at most hourly polling.
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    stamp = utcnow()
    # A phone calendar sends no language of its own: the feed speaks its owner's.
    lang = content.person.language.value
    for lesson, subject, _teacher in content.lessons:
        event = Event()
        event.add("uid", f"lesson-{lesson.id}-pupil-{content.pupil.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", lesson.starts_at)
        event.add("dtend", lesson.ends_at)
        hours = (
            f"{lesson.first_hour}"
            if lesson.first_hour == lesson.last_hour
            else f"{lesson.first_hour}-{lesson.last_hour}"
        )
        event.add("summary", f"{subject.name} ({lesson.room or '-'}, {lesson.teacher_code or '-'})")
        if lesson.room:
            place = f"{content.location.name}, " if content.location else ""
            event.add("location", f"{place}{lesson.room}")
        description = [
            translate("Lesson hour {hours}", lang, hours=hours),
            translate("Class {name}", lang, name=content.class_unit.name),
        ]
        if lesson.homework:
            description.append(translate("Homework: {homework}", lang, homework=lesson.homework))
        event.add("description", "\n".join(description))
        cal.add_component(event)
    return bytes(cal.to_ical())


async def calendar_feed(ctx: Context, secret: str, host: str) -> bytes | None:
    """The feed's iCalendar bytes, or None when the secret no longer gives access."""
    content = await ctx.db.read(feed_content, secret)
    return render_feed(content, host) if content is not None else None
