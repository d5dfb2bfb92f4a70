import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="StateChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("object_id", models.PositiveBigIntegerField()),
                ("machine", models.CharField(max_length=60, verbose_name="cycle de vie")),
                ("transition", models.CharField(max_length=60, verbose_name="action")),
                ("from_state", models.CharField(max_length=40, verbose_name="de")),
                ("to_state", models.CharField(max_length=40, verbose_name="vers")),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="le")),
                ("comment", models.TextField(blank=True, verbose_name="motif")),
                (
                    "by",
                    models.ForeignKey(
                        blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="contenttypes.contenttype"
                    ),
                ),
            ],
            options={
                "verbose_name": "changement d'état",
                "verbose_name_plural": "changements d'état",
                "ordering": ["at", "id"],
                "indexes": [models.Index(fields=["content_type", "object_id"], name="lifecycle_object_idx")],
            },
        ),
    ]
