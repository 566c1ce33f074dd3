"""docs/integrations.md's verification sample accepts a real delivery and refuses a forged one."""

import re
from pathlib import Path

from webhooks.models import Delivery

DOC = Path(__file__).resolve().parents[2] / "docs" / "integrations.md"


def test_the_documented_python_sample_verifies_a_delivery(plans, submit, receiver, endpoint):
    sample = re.search(r"```python\n(.*?)```", DOC.read_text(), re.S).group(1)
    namespace: dict = {}
    exec(sample, namespace)
    verify_civicreview = namespace["verify_civicreview"]
    endpoint.events = ["case.submitted"]
    endpoint.save()

    submit()

    assert Delivery.objects.get().status == "succeeded"
    (request,) = receiver.requests
    timestamp, signature = request["headers"]["X-Civicreview-Timestamp"], request["headers"]["X-Civicreview-Signature"]
    assert verify_civicreview("s3cret-shared", request["body"], timestamp, signature)
    assert not verify_civicreview("s3cret-shared", request["body"].replace(b"case", b"kase"), timestamp, signature)
    assert not verify_civicreview("wrong", request["body"], timestamp, signature)
