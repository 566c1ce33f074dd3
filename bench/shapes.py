"""What shaping an annotation costs: the resource's one shape (reviews.shapes.AnnotationSerializer,
a civicreview.shapes.Shape), DRF's own generic rendering of the same serializer, and the hand-written
dict it replaced (kept below as the yardstick).

    .venv/bin/python bench/shapes.py [--repeat 20000]

In memory, no database: the objects are built unsaved, with their author and department attached,
as a service holds them when it records a change. Best of 7 runs, µs per annotation.
"""

import argparse
import os
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.update({"DATABASE_URL": "", "DJANGO_SETTINGS_MODULE": "civicreview.settings"})
sys.path.insert(0, str(ROOT))


def hand_written(annotation):
    """reviews.services.annotations.annotation_json before the shapes (commit b5196ec)."""
    return {
        "id": annotation.pk,
        "version": annotation.version_id,
        "page": annotation.page,
        "kind": annotation.kind,
        "geometry": annotation.geometry,
        "style": annotation.style,
        "text": annotation.text,
        "status": annotation.status,
        "category": annotation.category,
        "released_at": annotation.released_at and annotation.released_at.isoformat(),
        "carried_from": annotation.carried_from_id,
        "author": annotation.author.username,
        "department": annotation.department.slug,
        "revision": annotation.revision,
        "created_at": annotation.created_at.isoformat(),
        "updated_at": annotation.updated_at.isoformat(),
    }


def annotations(count):
    from django.contrib.auth.models import User
    from django.utils import timezone

    from documents.models import Department
    from reviews.models import Annotation

    now, author, department = timezone.now(), User(pk=1, username="fire"), Department(pk=1, slug="fire")
    made = []
    for pk in range(1, count + 1):
        annotation = Annotation(
            pk=pk, version_id=3, page=2, kind="cloud", geometry={"points": [[120.5, 88.0], [410.0, 260.25]]},
            style={"color": "#d32f2f", "width": 2}, text="Show fire separation at grid C", status="open",
            category="correction", revision=1, created_at=now, updated_at=now,
        )  # fmt: skip
        annotation.author, annotation.department = author, department
        made.append(annotation)
    return made


def best_us(call, repeat, per):
    """The best of 7 runs, as timeit reports: on a busy machine the others measure the neighbours."""
    return min(timeit.repeat(call, number=repeat, repeat=7)) / repeat / per * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20000)
    args = parser.parse_args()
    import django

    django.setup()
    from rest_framework import serializers

    from reviews.services.annotations import annotation_json
    from reviews.shapes import AnnotationSerializer

    (one,) = annotations(1)
    many = annotations(1000)
    generic = AnnotationSerializer()
    assert annotation_json(one) == serializers.Serializer.to_representation(generic, one)
    rows = [
        ("hand-written dict", lambda: hand_written(one), lambda: [hand_written(a) for a in many]),
        ("the shape", lambda: annotation_json(one), lambda: AnnotationSerializer(many, many=True).data),
        (
            "DRF's generic rendering",
            lambda: serializers.Serializer.to_representation(generic, one),
            lambda: [serializers.Serializer.to_representation(generic, a) for a in many],
        ),
    ]
    print(f"{'':<26} {'one (µs)':>9} {'1,000 as a list (µs each)':>26}")
    for name, single, listed in rows:
        print(f"{name:<26} {best_us(single, args.repeat, 1):>9.1f} {best_us(listed, 20, 1000):>26.1f}")


if __name__ == "__main__":
    main()
