"""Statement counts of the academy's new answers do not grow with the number of users."""

from __future__ import annotations

from tests.conftest import Api

MAIL = {"subject": "Cursus", "introduction": "Hoi", "closing": "", "senderName": "Niels"}
ADD = (
    "mutation($c: ID!, $e: [String!]!) { addUsers(clusterId: $c, emails: $e) { errors { code } } }"
)
ASSIGN = """mutation($s: UserSelectionInput!, $c: [ID!]!, $m: CourseMailInput!) {
  assignCourses(selection: $s, courseIds: $c, mail: $m) { enrolmentsCreated } }"""
PREVIEW = """query($s: UserSelectionInput!, $c: [ID!]!, $m: CourseMailInput!) {
  previewCourseAssignment(selection: $s, courseIds: $c, mail: $m) {
    alreadyHas { user { id person { email displayName } cluster { name } } course { title } message } } }"""


async def test_already_has_notices_cost_the_same_for_few_and_many_users(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    courses = (await api.data("{ courses { id title } }", token=admin))["courses"]
    privacy = next(c["id"] for c in courses if c["title"].startswith("Privacy"))
    counts = {}
    for batch, size in (("a", 3), ("b", 15)):
        emails = [f"kosten.{batch}{i}@example.org" for i in range(size)]
        await api.data(ADD, {"c": noord, "e": emails}, admin)
        selection = {"filter": {"search": f"kosten.{batch}"}}
        await api.data(ASSIGN, {"s": selection, "c": [privacy], "m": MAIL}, admin)
        preview = await api.data(PREVIEW, {"s": selection, "c": [privacy], "m": MAIL}, admin)
        assert len(preview["previewCourseAssignment"]["alreadyHas"]) == size
        counts[size] = api.last_statements
    assert counts[3] == counts[15], counts
