"""kommun bodies: each kommun's own list of nämnder; parties name their responsible nämnd from it

Revision ID: 020
Revises: 019
Create Date: 2026-12-07 08:40:00

Existing responsible nämnder were free text. A value that is plainly the kommun's fullmäktige or
kommunstyrelse ("KS", "kommunstyrelsen", "KF"…) is written the way the list names it, with a note
in the audit log. Every other value is kept as it was: the party shows it as "ej i listan" until
the kommun's administrator adds that nämnd to the list (then it matches by name) or an editor
picks one from the list.
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "020"
down_revision = "019"
branch_labels = None
depends_on = None

KF, KS = "Kommunfullmäktige", "Kommunstyrelsen"
# Written in the migration, not imported: a migration must not change when the app does.
ALIASES = {
    "kf": KF,
    "fullmäktige": KF,
    "kommunfullmäktige": KF,
    "kommunfullmäktig": KF,
    "ks": KS,
    "kommunstyrelse": KS,
    "kommunstyrelsen": KS,
    "styrelsen": KS,
}
NOTE = (
    "Ansvarig nämnd skrivs som i kommunens lista över nämnder (migrering 020). "
    "Andra namn behölls som de var och visas som ”ej i listan”."
)


def upgrade():
    op.create_table(
        "kommun_body",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipality.code"],
            name=op.f("fk_kommun_body_municipality_code_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kommun_body")),
        sa.UniqueConstraint(
            "municipality_code", "name", name=op.f("uq_kommun_body_municipality_code_name")
        ),
    )
    with op.batch_alter_table("kommun_body", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kommun_body_municipality_code"), ["municipality_code"], unique=False
        )
    _normalise_fixed_bodies()


def _normalise_fixed_bodies():
    bind = op.get_bind()
    now = datetime.now(UTC)
    party = sa.table(
        "party",
        sa.column("id", sa.Integer),
        sa.column("agreement_id", sa.Integer),
        sa.column("municipality_code", sa.String),
        sa.column("responsible_body", sa.String),
        sa.column("version", sa.Integer),
    )
    agreement = sa.table("agreement", sa.column("id", sa.Integer), sa.column("title", sa.String))
    municipality = sa.table(
        "municipality", sa.column("code", sa.String), sa.column("name", sa.String)
    )
    audit = sa.table(
        "audit_event",
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("actor_id", sa.Integer),
        sa.column("actor_name", sa.String),
        sa.column("source", sa.String),
        sa.column("request_id", sa.String),
        sa.column("action", sa.String),
        sa.column("object_type", sa.String),
        sa.column("object_id", sa.String),
        sa.column("object_label", sa.String),
        sa.column("agreement_id", sa.Integer),
        sa.column("municipality_code", sa.String),
        sa.column("changes", sa.JSON),
    )
    rows = bind.execute(
        sa.select(
            party.c.id,
            party.c.agreement_id,
            party.c.municipality_code,
            party.c.responsible_body,
            agreement.c.title,
            municipality.c.name,
        )
        .join(agreement, agreement.c.id == party.c.agreement_id)
        .join(municipality, municipality.c.code == party.c.municipality_code)
        .where(party.c.responsible_body != "")
    ).all()
    for party_id, agreement_id, code, body, title, kommun in rows:
        canonical = ALIASES.get(" ".join((body or "").split()).casefold())
        if canonical is None or canonical == body:
            continue
        bind.execute(
            party.update()
            .where(party.c.id == party_id)
            .values(responsible_body=canonical, version=party.c.version + 1)
        )
        bind.execute(
            audit.insert().values(
                created_at=now,
                actor_id=None,
                actor_name="Migrering 020",
                source="migration",
                request_id="migration-020",
                action="update",
                object_type="party",
                object_id=str(party_id),
                object_label=f"{kommun} i {title or ''}"[:250],
                agreement_id=agreement_id,
                municipality_code=code,
                changes={"responsible_body": [body, canonical], "note": [None, NOTE]},
            )
        )


def downgrade():
    # The parties keep the names they were given: they were text before this list existed.
    with op.batch_alter_table("kommun_body", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kommun_body_municipality_code"))
    op.drop_table("kommun_body")
