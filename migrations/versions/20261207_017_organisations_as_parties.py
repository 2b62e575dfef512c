"""organisations as parties, asymmetry as a flag, per-party reviews and responsibility

Revision ID: 017
Revises: 016
Create Date: 2026-12-07 05:30:00

Existing data:
- every kommun gets its organisation row (kind "kommun", tied to its municipality row), and
  every party points at its kommun's organisation; regioner and state agencies are seeded by
  ``flask seed`` (``flask upgrade`` runs it);
- an agreement of the old form "asymmetrisk" becomes an avtalssamverkan with the asymmetric
  flag (its parties are one host and purchasers, which is what avtalssamverkan asks), marked for
  an administrator to confirm the legal form, with a note in the audit log for each.
"""

from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = "017"
down_revision = "016"
branch_labels = None
depends_on = None

MIGRATION_NOTE = (
    "Asymmetrisk samverkan är inte längre en egen samverkansform utan en egenskap hos "
    "avtalssamverkan eller gemensam nämnd. Samverkan registrerades som avtalssamverkan med "
    "markeringen asymmetrisk; en administratör behöver bekräfta den juridiska formen."
)


def upgrade():
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=4), nullable=True),
        sa.Column("org_number", sa.String(length=11), nullable=True),
        sa.Column("municipality_code", sa.String(length=4), nullable=True),
        sa.Column("county_code", sa.String(length=2), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("articles_adopted_on", sa.Date(), nullable=True),
        sa.Column("owner_directive_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_code"], ["county.code"], name=op.f("fk_organisation_county_code_county")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipality.code"],
            name=op.f("fk_organisation_municipality_code_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("code", name=op.f("uq_organisation_code")),
        sa.UniqueConstraint("municipality_code", name=op.f("uq_organisation_municipality_code")),
        sa.UniqueConstraint("org_number", name=op.f("uq_organisation_org_number")),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_county_code"), ["county_code"])
        batch_op.create_index(batch_op.f("ix_organisation_kind"), ["kind"])
        batch_op.create_index(batch_op.f("ix_organisation_name"), ["name"])

    now = datetime.now(timezone.utc)
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "INSERT INTO organisation (kind, name, code, municipality_code, county_code, "
            "description, version, created_at, updated_at) "
            "SELECT 'kommun', name, code, code, county_code, '', 1, :now, :now FROM municipality"
        ),
        {"now": now},
    )

    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ownership_percent", sa.Numeric(5, 2), nullable=True))
        batch_op.add_column(
            sa.Column("responsible_body", sa.String(length=120), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("responsible_user_id", sa.Integer(), nullable=True))
    bind.execute(
        sa.text(
            "UPDATE party SET organisation_id = (SELECT organisation.id FROM organisation "
            "WHERE organisation.municipality_code = party.municipality_code)"
        )
    )
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.alter_column("organisation_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("municipality_code", existing_type=sa.String(length=4), nullable=True)
        batch_op.create_index(batch_op.f("ix_party_organisation_id"), ["organisation_id"])
        batch_op.create_index(batch_op.f("ix_party_responsible_user_id"), ["responsible_user_id"])
        batch_op.create_unique_constraint(
            batch_op.f("uq_party_agreement_id_organisation_id"), ["agreement_id", "organisation_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_party_organisation_id_organisation"),
            "organisation",
            ["organisation_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_party_responsible_user_id_user"),
            "user",
            ["responsible_user_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_responsible", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_asymmetric", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column(
                "form_needs_confirmation", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(sa.Column("body_organisation_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_agreement_form_needs_confirmation"), ["form_needs_confirmation"]
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_body_organisation_id"), ["body_organisation_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_agreement_body_organisation_id_organisation"),
            "organisation",
            ["body_organisation_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("party_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_review_party_id"), ["party_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_review_party_id_party"),
            "party",
            ["party_id"],
            ["id"],
            ondelete="CASCADE",
        )

    migrate_asymmetric(bind, now)


def migrate_asymmetric(bind, now):
    """The old form "asymmetrisk" becomes avtalssamverkan + flag, to be confirmed by an admin."""
    agreement = sa.table(
        "agreement",
        sa.column("id", sa.Integer),
        sa.column("title", sa.String),
        sa.column("form", sa.String),
        sa.column("is_asymmetric", sa.Boolean),
        sa.column("form_needs_confirmation", sa.Boolean),
        sa.column("version", sa.Integer),
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
        sa.select(agreement.c.id, agreement.c.title).where(agreement.c.form == "asymmetrisk")
    ).all()
    for agreement_id, title in rows:
        bind.execute(
            agreement.update()
            .where(agreement.c.id == agreement_id)
            .values(
                form="avtalssamverkan",
                is_asymmetric=True,
                form_needs_confirmation=True,
                version=agreement.c.version + 1,
            )
        )
        bind.execute(
            audit.insert().values(
                created_at=now,
                actor_id=None,
                actor_name="Migrering 017",
                source="migration",
                request_id="migration-017",
                action="update",
                object_type="agreement",
                object_id=str(agreement_id),
                object_label=(title or "")[:250],
                agreement_id=agreement_id,
                municipality_code=None,
                changes={
                    "form": ["asymmetrisk", "avtalssamverkan"],
                    "is_asymmetric": [False, True],
                    "form_needs_confirmation": [False, True],
                    "note": [None, MIGRATION_NOTE],
                },
            )
        )


def downgrade():
    """Back to kommuner only. What the old schema cannot hold is lost: parties that are not
    kommuner (with their contacts, checklist items and exit decisions) and the parties' own
    reviews; samordningsförbund and companies become "övrig"; an asymmetric avtalssamverkan
    becomes the old form "asymmetrisk"."""
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "UPDATE agreement SET form = 'asymmetrisk' "
            "WHERE is_asymmetric AND form = 'avtalssamverkan'"
        )
    )
    bind.execute(
        sa.text("UPDATE agreement SET form = 'ovrig' WHERE form IN ('samordningsforbund', 'bolag')")
    )
    others = "(SELECT id FROM party WHERE municipality_code IS NULL)"
    for statement in (
        "DELETE FROM review WHERE party_id IS NOT NULL",
        f"DELETE FROM contact WHERE party_id IN {others}",
        f"DELETE FROM checklist_item WHERE party_id IN {others}",
        f"UPDATE checklist_item SET responsible_party_id = NULL WHERE responsible_party_id IN {others}",
        f"UPDATE exit SET leaving_party_id = NULL WHERE leaving_party_id IN {others}",
        f"UPDATE exit SET notice_party_id = NULL WHERE notice_party_id IN {others}",
        f"UPDATE exit_task SET party_id = NULL WHERE party_id IN {others}",
        f"DELETE FROM exit_decision WHERE party_id IN {others}",
    ):
        bind.execute(sa.text(statement))
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_review_party_id_party"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_review_party_id"))
        batch_op.drop_column("party_id")
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_agreement_body_organisation_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_agreement_body_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_form_needs_confirmation"))
        batch_op.drop_column("body_organisation_id")
        batch_op.drop_column("form_needs_confirmation")
        batch_op.drop_column("is_asymmetric")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_column("is_responsible")
    bind.execute(sa.text("DELETE FROM party WHERE municipality_code IS NULL"))
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_party_responsible_user_id_user"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_party_organisation_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("uq_party_agreement_id_organisation_id"), type_="unique"
        )
        batch_op.drop_index(batch_op.f("ix_party_responsible_user_id"))
        batch_op.drop_index(batch_op.f("ix_party_organisation_id"))
        batch_op.alter_column(
            "municipality_code", existing_type=sa.String(length=4), nullable=False
        )
        batch_op.drop_column("responsible_user_id")
        batch_op.drop_column("responsible_body")
        batch_op.drop_column("ownership_percent")
        batch_op.drop_column("organisation_id")
    op.drop_table("organisation")
