"""row-level security on the tenant-owned tables (PostgreSQL only; nothing on SQLite)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 15:00:00

Each protected table admits a row when its unit lies under one of the root paths in the
transaction's `portaal.tenant_paths` setting, or when the setting is `*` (system work); a child
table admits a row when its parent row is admitted (the parent's own policy decides). The
tables and the reasons for the ones left out are in docs/security.md ("Row-level security").
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# table -> the column naming the org unit the row belongs to
BY_UNIT: dict[str, str] = {
    # academy
    "membership": "academy_id",
    "membership_course": "academy_id",
    "cluster_seats": "cluster_id",
    "learner": "cluster_id",
    "enrolment": "cluster_id",
    "label": "owner_unit_id",
    # background
    "export_job": "org_unit_id",
    # institute
    "client_organisation": "unit_id",
    "employee_details": "org_unit_id",
    "institute_enrolment": "institute_id",
    "invoice": "institute_id",
    "invoice_counter": "institute_id",
    # school
    "location_details": "org_unit_id",
    "pupil": "school_unit_id",
    "pupil_enrolment": "class_unit_id",
    "class_mentor": "class_unit_id",
    "school_subject": "school_unit_id",
    "school_assessment": "class_unit_id",
    "school_lesson": "class_unit_id",
    # meldcode
    "meldcode_board_policy": "board_unit_id",
    "meldcode_school_profile": "school_unit_id",
    "meldcode_care_partner": "school_unit_id",
    "meldcode_case": "school_unit_id",
    "meldcode_audit_event": "school_unit_id",
}

# table -> (foreign key column, parent table): admitted when the parent row is
BY_PARENT: dict[str, tuple[str, str]] = {
    "lesson_completion": ("enrolment_id", "enrolment"),
    "exam_attempt": ("enrolment_id", "enrolment"),
    "certificate": ("enrolment_id", "enrolment"),
    "refresher_delivery": ("enrolment_id", "enrolment"),
    "accreditation_report_line": ("enrolment_id", "enrolment"),
    "label_assignment": ("label_id", "label"),
    "export_file": ("export_job_id", "export_job"),
    "invoice_line": ("invoice_id", "invoice"),
    "guardian_link": ("pupil_id", "pupil"),
    "guardian_consent": ("pupil_id", "pupil"),
    "guardian_consent_change": ("pupil_id", "pupil"),
    "school_grade": ("pupil_id", "pupil"),
    "school_absence": ("pupil_id", "pupil"),
    "meldcode_signal": ("case_id", "meldcode_case"),
    "meldcode_step_entry": ("case_id", "meldcode_case"),
    "meldcode_feedback": ("case_id", "meldcode_case"),
    "meldcode_sharing": ("case_id", "meldcode_case"),
}

# Exports without a unit (platform-wide reports) stay readable to every tenant at this level;
# the app's own check (the requester, a signed link, a login) guards them.
UNIT_MAY_BE_NULL = {"export_job"}

POLICY = "tenant"

FUNCTIONS = """
CREATE FUNCTION portaal_system() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT coalesce(current_setting('portaal.tenant_paths', true), '') = '*' $$;

-- The tenant's units: every unit under one of the setting's root paths ("/1/4/" admits "/1/4/9/").
CREATE FUNCTION portaal_tenant_patterns() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT coalesce(array_agg(p || '%'), '{}')
  FROM unnest(string_to_array(nullif(current_setting('portaal.tenant_paths', true), ''), ',')) AS p
  WHERE p <> '*'
$$;

-- A person's tenants: the root organisations (depth 1; the platform root itself for a role on
-- it) of their roles, their children's schools (guardians hold no role) and the institutes
-- they are enrolled at or invoiced by. With an API token's assignment: that role's only.
-- The one reader across tenants for the authenticating statement, so it runs as system.
CREATE FUNCTION portaal_tenant_paths(p_person integer, p_assignment integer) RETURNS text
LANGUAGE sql STABLE
SET portaal.tenant_paths = '*'
AS $$
  SELECT coalesce(string_agg(DISTINCT substring(u.path FROM '^/[0-9]+/(?:[0-9]+/)?'), ','), '')
  FROM org_unit u
  WHERE u.id IN (
    SELECT org_unit_id FROM role_assignment
    WHERE person_id = p_person AND (p_assignment IS NULL OR id = p_assignment)
    UNION ALL
    SELECT p.school_unit_id FROM guardian_link g JOIN pupil p ON p.id = g.pupil_id
    WHERE g.guardian_person_id = p_person AND p_assignment IS NULL
    UNION ALL
    SELECT institute_id FROM institute_enrolment
    WHERE person_id = p_person AND p_assignment IS NULL
    UNION ALL
    SELECT institute_id FROM invoice
    WHERE debtor_person_id = p_person AND p_assignment IS NULL
  )
$$;

-- Seats taken per event: a public number (an event shows its seats left to anyone who may see
-- it), counted over every enrolment, whoever's tenant reads it. Counts only, never rows.
CREATE FUNCTION portaal_seated(p_events integer[], p_statuses text[])
RETURNS TABLE (event_id integer, seated bigint)
LANGUAGE sql STABLE
SET portaal.tenant_paths = '*'
AS $$
  SELECT e.event_id, count(*) FROM institute_enrolment e
  WHERE e.event_id = ANY (p_events) AND e.status = ANY (p_statuses)
  GROUP BY e.event_id
$$;

-- The meldcode checklist counts a school's teachers who completed a reporting-code course in
-- the academy: another tenant's enrolments, answered as yes or no per person, never rows.
CREATE FUNCTION portaal_completed_meldcode_training(p_person integer) RETURNS boolean
LANGUAGE sql STABLE
SET portaal.tenant_paths = '*'
AS $$
  SELECT EXISTS (
    SELECT 1 FROM enrolment en JOIN meldcode_training_course tc ON tc.course_id = en.course_id
    WHERE en.person_id = p_person AND en.completed_at IS NOT NULL
  )
$$;
"""


def _unit_rule(table: str, column: str) -> str:
    # `(SELECT portaal_tenant_patterns())` is an InitPlan: the patterns are computed once per
    # statement, not once per org unit scanned; the units' ids are then one hashed set.
    rule = (
        f"portaal_system() OR {column} IN "
        "(SELECT id FROM org_unit WHERE path LIKE ANY ((SELECT portaal_tenant_patterns())::text[]))"
    )
    return rule + f" OR {column} IS NULL" if table in UNIT_MAY_BE_NULL else rule


def _parent_rule(table: str, column: str, parent: str) -> str:
    return (
        f"portaal_system() OR EXISTS "
        f"(SELECT 1 FROM {parent} parent WHERE parent.id = {table}.{column})"
    )


def _protect(table: str, rule: str) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    # FORCE: the owner is held to the policies too (a superuser or BYPASSRLS role is not).
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY {POLICY} ON {table} USING ({rule}) WITH CHECK ({rule})")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTIONS)
    for table, column in BY_UNIT.items():
        _protect(table, _unit_rule(table, column))
    for table, (column, parent) in BY_PARENT.items():
        _protect(table, _parent_rule(table, column, parent))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in [*BY_PARENT, *BY_UNIT]:
        op.execute(f"DROP POLICY {POLICY} ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP FUNCTION portaal_completed_meldcode_training(integer)")
    op.execute("DROP FUNCTION portaal_seated(integer[], text[])")
    op.execute("DROP FUNCTION portaal_tenant_paths(integer, integer)")
    op.execute("DROP FUNCTION portaal_tenant_patterns()")
    op.execute("DROP FUNCTION portaal_system()")
