from django.urls import reverse
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from civicreview.text import storable
from documents.models import Case, Department, Document, DocumentVersion, Page
from holds.shapes import ApplicantHoldSerializer, HoldSerializer


class DepartmentSlugField(serializers.SlugRelatedField):
    """A department named by its slug; text the database cannot hold is refused before it is looked up."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", queryset=Department.objects.all(), **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(storable(data, "department"))


class ScaleSerializer(serializers.Serializer):
    ratio = serializers.FloatField(help_text='Real length per paper length: 48 for 1/4" = 1\'-0".')
    label = serializers.CharField()
    unit = serializers.ChoiceField(choices=["ft", "m"])


class PageSerializer(serializers.ModelSerializer):
    thumbnail_url = serializers.SerializerMethodField()
    scale = ScaleSerializer(allow_null=True, read_only=True)

    class Meta:
        model = Page
        fields = ["number", "width", "height", "rotation", "label", "title", "scale", "thumbnail_url"]

    def get_thumbnail_url(self, page) -> str | None:
        if not page.thumbnail:
            return None
        return reverse("api:page-thumbnail", args=[page.version_id, page.number])


class VersionSummarySerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = DocumentVersion
        fields = ["id", "number", "status", "error", "page_count", "pages_done", "size", "uploaded_by", "created_at"]


class NewerVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()


class VersionSerializer(VersionSummarySerializer):
    file_url = serializers.SerializerMethodField()
    superseded_by = serializers.SerializerMethodField(
        help_text="The newer version that replaced this one (which is read-only since), or null."
    )
    pages = PageSerializer(many=True, read_only=True)
    case = serializers.IntegerField(source="document.case_id", read_only=True)

    class Meta(VersionSummarySerializer.Meta):
        fields = [
            "id", "document", "case", *VersionSummarySerializer.Meta.fields[1:], "sha256", "file_url",
            "superseded_by", "pages",
        ]  # fmt: skip

    @extend_schema_field(NewerVersionSerializer(allow_null=True))
    def get_superseded_by(self, version) -> dict | None:
        newer = version.superseded_by
        return newer and {"id": newer.pk, "number": newer.number}

    def get_file_url(self, version) -> str:
        return reverse("api:version-file", args=[version.pk])


class DocumentSerializer(serializers.ModelSerializer):
    versions = VersionSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = ["id", "case", "title", "kind", "created_at", "versions"]


class CaseSerializer(serializers.ModelSerializer):
    lead_department = DepartmentSlugField(required=False)
    departments = DepartmentSlugField(many=True, required=False)

    class Meta:
        model = Case
        fields = [
            "id", "number", "title", "kind", "address", "parcel_id", "status",
            "lead_department", "departments", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["number", "status"]


class CaseDetailSerializer(CaseSerializer):
    documents = DocumentSerializer(many=True, read_only=True)
    holds = serializers.SerializerMethodField(
        help_text="The active holds on the case's parcel; its applicants see only each one's kind and date."
    )

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "documents", "holds"]

    @extend_schema_field(
        PolymorphicProxySerializer(
            component_name="CaseHold",
            serializers=[HoldSerializer, ApplicantHoldSerializer],
            resource_type_field_name=None,
            many=True,
        )
    )
    def get_holds(self, case):
        from holds.services import case_holds_json

        return case_holds_json(self.context["request"].user, case)


class CaseDepartmentsSerializer(serializers.Serializer):
    """`PATCH /api/cases/{id}/`: the departments taking part, by slug (the lead is always kept)."""

    departments = DepartmentSlugField(many=True)


class UploadSerializer(serializers.Serializer):
    """The multipart form of an upload (for the schema; the service checks the file)."""

    file = serializers.FileField()
    title = serializers.CharField(required=False)
    kind = serializers.ChoiceField(choices=Document.Kind.choices, required=False)


class VersionUploadSerializer(serializers.Serializer):
    """The multipart form of a resubmittal (for the schema; the service checks the file)."""

    file = serializers.FileField()
    partial = serializers.BooleanField(
        required=False,
        help_text="The file holds only the changed sheets: each replaces the sheet with the same number "
        "in the latest version, and the complete set becomes the new version.",
    )


class ApplicantSerializer(serializers.Serializer):
    """`POST /api/cases/{id}/applicants/`: the user to invite, by username; answered with the invitation."""

    username = serializers.CharField()
    added_by = serializers.CharField(read_only=True)
    added_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, invited):
        return {
            "username": invited.user.username,
            "added_by": invited.added_by.username,
            "added_at": serializers.DateTimeField().to_representation(invited.added_at),
        }
