"""Which sheet of a resubmittal is which sheet of the version it replaces: by label, then by page number."""

from documents.services.changes import match_sheets


def sheets(*labels):
    return list(enumerate(labels, start=1))


def test_the_same_set_matches_sheet_for_sheet():
    assert match_sheets(sheets("A-101", "A-102"), sheets("A-101", "A-102")) == {1: 1, 2: 2}


def test_renumbered_sheets_are_found_by_their_labels():
    # a cover sheet put in front: every sheet moves down one page
    assert match_sheets(sheets("A-101", "A-102"), sheets("G-001", "A-101", "A-102")) == {1: 2, 2: 3}


def test_a_relabelled_sheet_keeps_its_place():
    assert match_sheets(sheets("A-101", "A1.2", "A-103"), sheets("A-101", "A-102", "A-103")) == {1: 1, 2: 2, 3: 3}


def test_a_removed_sheet_matches_nothing_even_when_its_page_number_is_still_there():
    # A-102 is gone; A-103 moved up to page 2, which is therefore not A-102's
    assert match_sheets(sheets("A-101", "A-102", "A-103"), sheets("A-101", "A-103")) == {1: 1, 3: 2}


def test_a_removed_last_sheet_and_an_added_sheet():
    assert match_sheets(sheets("A-101", "A-102"), sheets("A-101")) == {1: 1}
    assert match_sheets(sheets("A-101"), sheets("A-101", "A-102")) == {1: 1}


def test_unlabelled_sheets_match_by_page_number():
    assert match_sheets(sheets("", ""), sheets("", "", "")) == {1: 1, 2: 2}


def test_a_label_used_twice_is_not_trusted_to_say_which_is_which():
    # two sheets both read "A-101": their places decide
    assert match_sheets(sheets("A-101", "A-101"), sheets("A-101", "A-101")) == {1: 1, 2: 2}
    # a label on two new sheets: the old one is not guessed onto either by position
    assert match_sheets(sheets("A-101", "A-102"), sheets("A-102", "A-101", "A-101")) == {2: 1}
