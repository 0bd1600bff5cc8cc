"""Events that an app below reacts to without importing the app that owns them [issues #17, #18].

The app that owns batches (exams) sends each event once the change is saved, inside its
transaction, so a receiver's writes commit or roll back with it. The apps that react connect
their receivers in their ``AppConfig.ready()``; today applicants lapses the applications
still returned for correction. The signals live in the base so that a lower app can listen
to a higher one without importing it.
"""

from django.dispatch import Signal

#: A batch's registration was closed; sent with ``batch`` and ``today``.
registration_closed = Signal()

#: A batch's sessions and admission tickets were published; sent with ``batch`` and ``today``.
tickets_published = Signal()

#: A clerk answered a question of the consultation box, or changed its answer; sent with
#: ``consultation`` and ``actor`` (notifications tells the asker who was signed in).
consultation_answered = Signal()
