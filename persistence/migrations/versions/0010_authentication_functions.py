"""the authenticating statement's functions in plpgsql: plans kept per connection (PostgreSQL only)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 17:30:00

Every authenticated request calls `portaal_tenant_paths` in its first statement. As `LANGUAGE
sql` with a SET clause it cannot be inlined, and PostgreSQL 15 plans its four-branch union on
every call (about 0.5 ms); a plpgsql function keeps the plans of its queries for the
connection's life. Same arguments, same answer, still run as the system.

`portaal_may_have_school_relations` lets the same statement tell whether the school's relations
statement has anything to find, so a viewer without any (an academy admin) is spared it.
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# An API token's tenant is its one assignment's; a person's are the roots of their roles, their
# children's schools and the institutes they are enrolled at or invoiced by (as in 0009).
PLPGSQL = """
CREATE OR REPLACE FUNCTION portaal_tenant_paths(p_person integer, p_assignment integer)
RETURNS text
LANGUAGE plpgsql STABLE
SET portaal.tenant_paths = '*'
AS $$
BEGIN
  IF p_assignment IS NOT NULL THEN
    RETURN (
      SELECT coalesce(string_agg(DISTINCT substring(u.path FROM '^/[0-9]+/(?:[0-9]+/)?'), ','), '')
      FROM org_unit u JOIN role_assignment r ON r.org_unit_id = u.id
      WHERE r.person_id = p_person AND r.id = p_assignment
    );
  END IF;
  RETURN (
    SELECT coalesce(string_agg(DISTINCT substring(u.path FROM '^/[0-9]+/(?:[0-9]+/)?'), ','), '')
    FROM org_unit u
    WHERE u.id IN (
      SELECT org_unit_id FROM role_assignment WHERE person_id = p_person
      UNION ALL
      SELECT p.school_unit_id FROM guardian_link g JOIN pupil p ON p.id = g.pupil_id
      WHERE g.guardian_person_id = p_person
      UNION ALL
      SELECT institute_id FROM institute_enrolment WHERE person_id = p_person
      UNION ALL
      SELECT institute_id FROM invoice WHERE debtor_person_id = p_person
    )
  );
END
$$;
"""

# A link as legal representative, or a teacher's role (mentors and teachers count only while they
# hold one): without either, the school's relations of the person are empty. Read beside the
# statement's own switch of tenant, so as the system, like portaal_tenant_paths.
SCHOOL_PROBE = """
CREATE FUNCTION portaal_may_have_school_relations(p_person integer) RETURNS boolean
LANGUAGE plpgsql STABLE
SET portaal.tenant_paths = '*'
AS $$
BEGIN
  RETURN EXISTS (
      SELECT 1 FROM guardian_link WHERE guardian_person_id = p_person AND legal_representative
    ) OR EXISTS (
      SELECT 1 FROM role_assignment WHERE person_id = p_person AND role = 'TEACHER'
    );
END
$$;
"""

# 0009's definition, for the way back.
SQL = """
CREATE OR REPLACE FUNCTION portaal_tenant_paths(p_person integer, p_assignment integer)
RETURNS text
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
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PLPGSQL)
        op.execute(SCHOOL_PROBE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION portaal_may_have_school_relations(integer)")
        op.execute(SQL)
