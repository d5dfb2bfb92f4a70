from django.db import migrations, models


def mark_done(apps, schema_editor):
    apps.get_model("outbox", "OutboxEntry").objects.filter(done_at__isnull=False).update(status="done")


class Migration(migrations.Migration):

    dependencies = [
        ('outbox', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='outboxentry',
            name='attachments',
            field=models.JSONField(blank=True, default=list, verbose_name='pièces jointes'),
        ),
        migrations.AddField(
            model_name='outboxentry',
            name='body',
            field=models.TextField(blank=True, verbose_name='texte'),
        ),
        migrations.AddField(
            model_name='outboxentry',
            name='claimed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='prise en charge le'),
        ),
        migrations.AddField(
            model_name='outboxentry',
            name='status',
            field=models.CharField(choices=[('pending', 'En attente'), ('sending', "En cours d'envoi"), ('failed', 'Échec (nouvel essai prévu)'), ('done', 'Envoyée')], default='pending', max_length=10, verbose_name='état'),
        ),
        migrations.AddField(
            model_name='outboxentry',
            name='subject',
            field=models.TextField(blank=True, verbose_name='objet'),
        ),
        migrations.AddField(
            model_name='outboxentry',
            name='to',
            field=models.EmailField(blank=True, max_length=254, verbose_name='destinataire'),
        ),
        migrations.AlterField(
            model_name='outboxentry',
            name='task_name',
            field=models.CharField(blank=True, max_length=200, verbose_name='tâche'),
        ),
        migrations.RunPython(mark_done, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='outboxentry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('task_name', ''), _negated=True), models.Q(('to', ''), _negated=True), _connector='OR'), name='outbox_entry_task_or_mail', violation_error_message='Une entrée est une tâche ou un e-mail.'),
        ),
    ]
