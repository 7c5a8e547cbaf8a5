"""The engine floor: plain graphql-core executing the learner list over prebuilt dicts.

A tiny schema mirrors the fields of bench/queries.py's LEARNERS; its default resolvers read
the floor's own answer (plain dicts), so what is timed is graphql-core's execution alone: no
database, no HTTP, no permission checks, no dataloaders.
"""

from __future__ import annotations

import time
from typing import Any

from graphql import build_schema, execute, parse, validate

from bench import queries

SDL = """
scalar DateTime

type Query {
  learners(first: Int): LearnerConnection!
}

type LearnerConnection {
  totalCount: Int!
  pageInfo: PageInfo!
  nodes: [Learner!]!
}

type PageInfo {
  hasNextPage: Boolean!
  endCursor: String
}

type Learner {
  id: ID!
  addedAt: DateTime!
  magazine: Boolean!
  person: Person!
  labels: [Label!]!
  enrolments: [Enrolment!]!
}

type Person {
  id: ID!
  email: String!
  displayName: String!
  givenName: String!
  namePrefix: String!
  familyName: String!
}

type Label {
  id: ID!
  name: String!
  colour: String!
}

enum CourseStatus {
  NOT_STARTED
  IN_PROGRESS
  COMPLETED
}

type Enrolment {
  id: ID!
  status: CourseStatus!
  progressPercent: Int!
  assignedAt: DateTime!
  startedAt: DateTime
  completedAt: DateTime
  course: Course!
  examAttempts: [ExamAttempt!]!
  certificate: Certificate
}

type Course {
  id: ID!
  title: String!
}

type ExamAttempt {
  id: ID!
  number: Int!
  scorePercent: Int
  passed: Boolean
  finishedAt: DateTime
}

type Certificate {
  id: ID!
  verificationCode: String!
  issuedAt: DateTime!
  highestScorePercent: Int
}
"""


class EngineFloor:
    def __init__(self) -> None:
        self.schema = build_schema(SDL)
        self.document = parse(queries.LEARNERS)
        errors = validate(self.schema, self.document)
        if errors:
            raise RuntimeError(f"engine floor schema does not fit the query: {errors}")

    def run(self, data: dict[str, Any], first: int) -> dict[str, Any]:
        result = execute(
            self.schema, self.document, root_value=data, variable_values={"first": first}
        )
        if result.errors:  # type: ignore[union-attr]
            raise RuntimeError(f"engine floor failed: {result.errors}")  # type: ignore[union-attr]
        return result.data  # type: ignore[union-attr,return-value]

    def time(self, data: dict[str, Any], first: int, repeat: int) -> list[float]:
        """Seconds per execution, `repeat` times."""
        out = []
        for _ in range(repeat):
            start = time.perf_counter()
            self.run(data, first)
            out.append(time.perf_counter() - start)
        return out
