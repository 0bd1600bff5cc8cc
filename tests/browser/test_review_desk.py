"""The reviewer's desk [#19]: a reviewer reads an application's PDFs and pictures in the page,
decides it without downloading a file, and lands on the next one of his filtered queue."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject

from applicants import services
from exams.models import BatchStatus
from jianding.roles import Role
from tests.browser.conftest import sign_in
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.applicants import ApplicantFactory
from tests.factories.exams import BatchFactory, OccupationFactory
from tests.factories.images import portrait, upload

# Dark pixels of the canvas in its top and bottom halves: whether PDF.js painted, and which page.
DARK_PIXELS = """
(canvas) => {
  const {data} = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  const halves = {top: 0, bottom: 0};
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0 && data[i] < 64 && data[i + 1] < 64 && data[i + 2] < 64) {
      const row = Math.floor(i / 4 / canvas.width);
      halves[row < canvas.height / 2 ? "top" : "bottom"] += 1;
    }
  }
  return {...halves, width: canvas.width};
}
"""


def _two_page_pdf() -> SimpleUploadedFile:
    """A scan of two pages: a black square at the top of the first, at the bottom of the second."""
    writer = PdfWriter()
    for x, y in ((60, 560), (300, 80)):
        page = writer.add_blank_page(width=595, height=842)
        square = DecodedStreamObject()
        square.set_data(f"0 0 0 rg {x} {y} 240 240 re f".encode())
        page.replace_contents(square)
    buffer = BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("id.pdf", buffer.getvalue(), content_type="application/pdf")


def _submitted(batch, *, name: str, category: str):
    user = ApplicantFactory(name=name, education="vocational", employer_or_class="某某电气公司").user
    application = services.application_create(actor=user, batch=batch, category=category)
    for kind in application.required_documents():
        if kind == "photo":
            document = upload("me.jpg", portrait())
        elif kind == "id_card":
            document = _two_page_pdf()
        else:
            document = upload(f"{kind}.png", portrait(fmt="PNG"), "image/png")
        services.application_document_upload(actor=user, application=application, kind=kind, upload=document)
    services.application_photo_confirm(actor=user, application=application)
    return services.application_submit(actor=user, application=application)


@pytest.mark.parametrize("viewport", ["desktop", "tablet"])
@pytest.mark.django_db(transaction=True)
def test_reviewer_reads_the_documents_in_the_page_decides_and_goes_on(
    open_page, viewport, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    UserFactory(username="kaowu", role=Role.EXAM_STAFF)
    batch = BatchFactory(
        occupation=OccupationFactory(name="电工", levels=[5, 4]), status=BatchStatus.REGISTRATION_OPEN
    )
    next_in_queue = _submitted(batch, name="王芳", category="social")
    _submitted(batch, name="张伟", category="student")  # newer, but not in the filtered queue
    _submitted(batch, name="李娜", category="social")

    page = open_page(viewport)
    downloads, page_errors, refused = [], [], []
    page.on("download", lambda download: downloads.append(download.suggested_filename))
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and refused.append(message.text)
    )
    sign_in(page, "kaowu", TEST_PASSWORD)
    page.goto("/applicants/applications/")
    page.get_by_label("类别").select_option("social")
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"/applicants/applications/\?category=social$"))
    page.get_by_role("link", name="李娜", exact=True).click()

    # The two-page PDF is drawn on a canvas, page 1: its square at the top.
    viewer = page.get_by_test_id("pdf-viewer")
    expect(viewer).to_have_attribute("data-shown", "1/1")
    expect(viewer.get_by_text("第 1 / 2 页")).to_be_visible()
    canvas = page.get_by_role("img", name="身份证复印件")
    first = canvas.evaluate(DARK_PIXELS)
    assert first["top"] > 1000
    assert first["bottom"] == 0

    # The next page: its square at the bottom.
    viewer.get_by_role("button", name="下一页").click()
    expect(viewer).to_have_attribute("data-shown", "2/1")
    expect(viewer.get_by_text("第 2 / 2 页")).to_be_visible()
    expect(viewer.get_by_role("button", name="下一页")).to_be_disabled()
    second = canvas.evaluate(DARK_PIXELS)
    assert second["top"] == 0
    assert second["bottom"] > 1000

    # Zoomed in, the page is drawn larger.
    viewer.get_by_role("button", name="放大").click()
    expect(viewer).to_have_attribute("data-shown", "2/1.25")
    expect(viewer.get_by_text("125%")).to_be_visible()
    zoomed = canvas.evaluate(DARK_PIXELS)
    assert zoomed["width"] > second["width"]
    assert zoomed["bottom"] > second["bottom"]

    # The copy of the education certificate is a picture, shown as one.
    certificate = page.get_by_role("img", name="学历证书复印件")
    expect(certificate).to_be_visible()
    assert certificate.evaluate("(image) => image.complete && image.naturalWidth > 0")

    # Approval waits for the original certificate seen at the desk.
    page.get_by_role("button", name="批准").click()
    expect(page.get_by_text("批准前须核验学历证书原件")).to_be_visible()
    page.get_by_label("已在窗口核验学历证书原件").check()
    page.get_by_role("button", name="批准").click()

    # On to the next social applicant of the queue, the filter kept.
    expect(page.get_by_text("已记录审核结果：李娜，已批准。")).to_be_visible()
    expect(page).to_have_url(
        re.compile(rf"/applicants/applications/{next_in_queue.pk}/\?queue=category%3Dsocial$")
    )
    expect(page.get_by_text("王芳", exact=True)).to_be_visible()
    expect(page.get_by_test_id("pdf-viewer")).to_have_attribute("data-shown", "1/1")
    page.get_by_label("理由").fill("身份证复印件不清楚，请重新上传。")
    page.get_by_role("button", name="退回修改").click()
    expect(page.get_by_text("当前筛选条件下已没有待审核的报名。")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/applicants/applications/\?category=social$"))

    assert downloads == []
    assert page_errors == []
    assert refused == []
