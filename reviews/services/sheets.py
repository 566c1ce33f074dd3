"""Sheet settings reviewers share, such as the drawing scale that measurements use."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from documents.models import Page
from documents.selectors import visible_version
from reviews import markup_rules as rules
from reviews.services import events
from reviews.services.annotations import require_department


def check_scale(scale):
    """None (no scale), or {"ratio", "unit", "label"} with a sensible ratio."""
    if scale is None:
        return None
    if not isinstance(scale, dict):
        raise rules.invalid("scale", 'Scale must be {"ratio", "unit", "label"} or null.')
    ratio, unit, label = scale.get("ratio"), scale.get("unit"), scale.get("label", "")
    if not (rules.is_number(ratio) and 0.01 <= ratio <= 100_000):  # type: ignore[operator]  # a number by then
        raise rules.invalid("scale", "The ratio (real length per paper length) must be a number from 0.01 to 100000.")
    if unit not in ("ft", "m"):
        raise rules.invalid("scale", "The unit must be ft or m.")
    if not isinstance(label, str) or len(label) > 40:
        raise rules.invalid("scale", "The label must be text of up to 40 characters.")
    return {"ratio": float(ratio), "unit": unit, "label": label or f"1:{ratio:g}"}  # type: ignore[arg-type]


def set_page_scale(user, version, number, scale, *, ref=""):
    """Set (or clear, with None) the drawing scale of one sheet, for everyone on the version
    (`version`: its id, or the version itself)."""
    version = visible_version(user, version)
    require_department(user, version)
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= (version.page_count or 0):
        raise ValidationError({"page": [f"Page must be a sheet number from 1 to {version.page_count or 0}."]})
    scale = check_scale(scale)

    def change():
        page = get_object_or_404(Page.objects.select_for_update(), version=version, number=number)
        page.scale = scale
        page.save(update_fields=["scale_ratio", "scale_label", "scale_unit"])
        data = {"number": page.number, "scale": page.scale}
        return events.record(version, type="page.updated", user=user, ref=ref, data=data)

    return events.apply_once(version.pk, user, ref, change)
