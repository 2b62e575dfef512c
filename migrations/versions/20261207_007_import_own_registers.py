"""import: external ids per kommun, imported_on, remembered column mappings

Revision ID: 007
Revises: 006
Create Date: 2026-12-07 02:50:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "007"
down_revision = "006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("external_id_owner", sa.String(length=4), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("imported_on", sa.Date(), nullable=True))
    # Every agreement made in the app gets a stable external id, so that an export can be
    # imported into another installation and back.
    agreement = sa.table(
        "agreement", sa.column("id", sa.Integer), sa.column("external_id", sa.String)
    )
    bind = op.get_bind()
    ids = [
        row[0]
        for row in bind.execute(sa.select(agreement.c.id).where(agreement.c.external_id.is_(None)))
    ]
    for agreement_id in ids:
        bind.execute(
            agreement.update()
            .where(agreement.c.id == agreement_id)
            .values(external_id="SK-" + secrets.token_hex(6).upper())
        )
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_constraint("uq_agreement_external_id", type_="unique")
        batch_op.alter_column("external_id", existing_type=sa.String(length=100), nullable=False)
        batch_op.create_unique_constraint(
            "uq_agreement_external_id_owner", ["external_id_owner", "external_id"]
        )

    op.create_table(
        "import_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipality.code"],
            name=op.f("fk_import_mapping_municipality_code_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user.id"],
            name=op.f("fk_import_mapping_updated_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mapping")),
        sa.UniqueConstraint("municipality_code", name=op.f("uq_import_mapping_municipality_code")),
    )


def downgrade():
    op.drop_table("import_mapping")
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_constraint("uq_agreement_external_id_owner", type_="unique")
        batch_op.alter_column("external_id", existing_type=sa.String(length=100), nullable=True)
        batch_op.create_unique_constraint("uq_agreement_external_id", ["external_id"])
        batch_op.drop_column("imported_on")
        batch_op.drop_column("external_id_owner")
