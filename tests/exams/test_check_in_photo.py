"""At the door the proctor sees the ID photo of the candidate whose ticket he scanned, to compare
with the face and the ID card [#19]; only the proctors of that room and the arrangers fetch it."""

from django.urls import reverse

from exams.models import Seat


def test_the_proctor_sees_the_photo_of_the_candidate_he_checked_in_and_no_one_else_fetches_it(
    published, client_as
):
    session, first = published["session"], published["applications"][0]
    seat = Seat.objects.select_related("session_room").get(application=first)
    guard = seat.session_room.proctors.first()
    other_room_guard = session.session_rooms.exclude(pk=seat.session_room_id).get().proctors.first()
    http = client_as(guard)
    response = http.post(reverse("exams:check_in", args=[session.pk]), {"ticket_number": first.ticket.number})
    assert response.status_code == 302
    page = http.get(response["Location"]).text
    photo_url = reverse("exams:seat_photo", args=[seat.pk])
    assert f'src="{photo_url}"' in page
    assert first.ticket.number in page
    photo = http.get(photo_url)
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/jpeg"
    assert b"".join(photo.streaming_content).startswith(b"\xff\xd8")
    assert "no-store" in photo["Cache-Control"]
    assert client_as(other_room_guard).get(photo_url).status_code == 404
    assert client_as(published["staff"]).get(photo_url).status_code == 200
