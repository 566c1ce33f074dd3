from guardian.shortcuts import assign_perm

from documents.models import Case
from tests import factories


def test_a_user_given_the_case_in_the_admin_sees_it(demo):
    case = factories.CaseFactory(lead_department=demo.departments["planning"])
    assert not Case.objects.visible_to(demo.outsider).exists()
    assign_perm("view_case", demo.outsider, case)
    assert list(Case.objects.visible_to(demo.outsider)) == [case]
