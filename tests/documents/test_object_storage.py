"""Files in S3-compatible object storage (CI runs the whole suite against a moto server).

Web and worker share only the database, the broker and the bucket: an upload lands in the
bucket, a download streams from it after the permission check, and nothing reaches the disk.
"""

import os

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.urls import reverse

from members.models import OrganisationDocument
from tests.conftest import login
from tests.members.conftest import PDF, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def bucket():
    if not django_settings.S3_BUCKET:
        if os.environ.get("FORIM_REQUIRE_S3"):
            pytest.fail("FORIM_REQUIRE_S3 is set but S3_BUCKET is not")
        pytest.skip("S3_BUCKET is not set: CI runs these tests against a moto S3 server")
    assert default_storage.bucket_name == django_settings.S3_BUCKET
    return boto3.client(
        "s3",
        endpoint_url=os.environ.get("S3_ENDPOINT_URL") or None,
        aws_access_key_id=os.environ.get("S3_ACCESS_KEY_ID"),
        aws_secret_access_key=os.environ.get("S3_SECRET_ACCESS_KEY"),
        region_name=os.environ.get("S3_REGION", "eu-west-3"),
    )


def _keys(client):
    prefix = default_storage.location
    listing = client.list_objects_v2(Bucket=django_settings.S3_BUCKET, Prefix=prefix)
    return {item["Key"].removeprefix(f"{prefix}/") for item in listing.get("Contents", [])}


def test_an_upload_lands_in_the_bucket_and_streams_back_after_the_check(
    bucket, client, applicant, association, other_applicant, tmp_path
):
    assert default_storage.__class__.__name__ == "S3Storage"
    login(client, applicant)
    client.post(
        reverse("members:document_add", args=[association.pk]),
        {"doc_type": "accounts", "year": "2025", "title": "Comptes 2025", "file": pdf("comptes 2025.pdf")},
    )
    document = OrganisationDocument.objects.get()
    assert document.file.name in _keys(bucket)
    assert not (tmp_path / "media").exists(), "nothing is written to the local disk"

    download = client.get(reverse("members:document_download", args=[document.pk]))
    assert b"".join(download.streaming_content) == PDF

    login(client, other_applicant)
    assert client.get(reverse("members:document_download", args=[document.pk])).status_code == 404


def test_objects_are_private_and_never_overwritten(bucket):
    first = default_storage.save("essai/statuts.pdf", pdf("statuts.pdf"))
    second = default_storage.save("essai/statuts.pdf", pdf("statuts.pdf"))
    assert first != second and {first, second} <= _keys(bucket)
    grants = bucket.get_object_acl(Bucket=django_settings.S3_BUCKET, Key=f"{default_storage.location}/{first}")[
        "Grants"
    ]
    assert not [grant for grant in grants if "AllUsers" in grant["Grantee"].get("URI", "")]
