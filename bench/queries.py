"""The GraphQL documents of the read scenarios; the floors answer exactly these fields."""

from __future__ import annotations

LOGIN = """
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { token errors { code message } }
}
"""

# (1) A cluster admin's user list: learner, person, labels, enrolments with course, progress,
# attempts and certificate.
LEARNERS = """
query Learners($first: Int!) {
  learners(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      addedAt
      magazine
      person { id email displayName givenName namePrefix familyName }
      labels { id name colour }
      enrolments {
        id
        status
        progressPercent
        assignedAt
        startedAt
        completedAt
        course { id title }
        examAttempts { id number scorePercent passed finishedAt }
        certificate { id verificationCode issuedAt highestScorePercent }
      }
    }
  }
}
"""

# (2) A guardian's dashboard: per child the pupil card, the week agenda, the results matrix
# and attendance.
DASHBOARD = """
query Dashboard($date: Date!, $firstDay: Date!, $lastDay: Date!) {
  myChildren {
    firstName
    legalRepresentative
    accessAllowed
    accessReason
    message
    pupil {
      id
      displayName
      givenName
      familyName
      studentNumber
      dateOfBirth
      ageYears
      guardiansNeedConsent
      className
      programme
      location { name phone address { street postcode city } }
      mentors { displayName }
      agenda(view: WEEK, date: $date) {
        view
        firstDay
        lastDay
        days {
          date
          lessons {
            id
            date
            startTime
            endTime
            startsAt
            endsAt
            durationMinutes
            firstLessonHour
            lastLessonHour
            subject { id code name }
            room
            teacherCode
            teacherName
            attendanceRegistered
            hasHomework
            homework
          }
        }
      }
      resultsMatrix {
        schoolYear
        kind
        subjects {
          subject { id code name schoolYear }
          testCount
          average
          grades { name testName isSubTest grade weight takenOn attempt kind finalised }
        }
      }
      attendance(firstDay: $firstDay, lastDay: $lastDay) {
        firstDay
        lastDay
        registeredLessons
        absentLessons
        absencePercent
        presencePercent
        weeks {
          isoWeek
          year
          week
          monday
          absences {
            id
            date
            isoWeek
            lessonHour
            subjectName
            subjectCode
            reason
            authorised
            handled
          }
        }
      }
    }
  }
}
"""

# (3) The academy report: per cluster and course, learners by status and the average best score.
REPORT = """
query Report {
  academyReport {
    notStarted
    inProgress
    completed
    averageBestScorePercent
    cluster { id name }
    course { id title }
  }
}
"""

# (6) The institute: a contact's "my courses" (Mijn cursussen) and an organisation admin's list
# of the organisation's enrolments (acting for it), newest event first.
MY_COURSES = """
query MyCourses($first: Int!) {
  myCourseEnrolments(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      status
      confirmationSentAt
      invitationSentAt
      result
      attended
      invoicedToOrganisation
      event { id startsAt endsAt locationName maatwerk course { id title } }
    }
  }
}
"""

ORG_ENROLMENTS = """
query OrganisationEnrolments($organisationId: ID!, $first: Int!) {
  organisationEnrolments(organisationId: $organisationId, first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      status
      participantName
      enrolledByName
      confirmationSentAt
      invitationSentAt
      result
      attended
      event { id startsAt locationName course { title } }
    }
  }
}
"""
