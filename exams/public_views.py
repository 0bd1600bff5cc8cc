"""The public page of a batch open for registration (no sign-in): its facts, and how to pay."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render

from exams.selectors import batch_public_list
from finance.selectors import how_to_pay


@login_not_required
def view_batch(request, pk):
    batch = get_object_or_404(batch_public_list(), pk=pk)
    return render(request, "public/view_batch.html", {"batch": batch, "how_to_pay": how_to_pay()})
