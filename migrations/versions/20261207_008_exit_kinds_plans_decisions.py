"""exit kinds, per-plan exit checklists, per-party exit decisions, planner-owned tasks

Revision ID: 008
Revises: 007
Create Date: 2026-12-07 02:30:00

Existing data: an utträde (scope "party") becomes kind "withdrawal"; an exit of the whole
agreement becomes "liquidation" for a kommunalförbund and "ending" otherwise. Exit checklist
items made before plans had their own list are attached to the agreement's exit plan of the
whole agreement when there is exactly one (the newest open or completed one otherwise stays
unattached and keeps gating the agreement as before).
"""

from alembic import op
import sqlalchemy as sa


revision = "008"
down_revision = "007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("exit", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="ending")
        )
        batch_op.add_column(sa.Column("transition_agreement_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_exit_transition_agreement_id_agreement"),
            "agreement",
            ["transition_agreement_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("exit_task", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("legal_source", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("is_required", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("is_custom", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("not_applicable_reason", sa.Text(), nullable=False, server_default="")
        )
    with op.batch_alter_table("checklist_template", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("exit_kinds", sa.JSON(), nullable=False, server_default="[]")
        )
    with op.batch_alter_table("checklist_template_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sides", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(
            sa.Column("legal_source", sa.String(length=300), nullable=False, server_default="")
        )
    with op.batch_alter_table("checklist_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exit_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_checklist_item_exit_id"), ["exit_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_checklist_item_exit_id_exit"),
            "exit",
            ["exit_id"],
            ["id"],
            ondelete="CASCADE",
        )
    op.create_table(
        "exit_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exit_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=120), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("paragraph", sa.String(length=40), nullable=False),
        sa.Column("case_number", sa.String(length=60), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exit_id"], ["exit.id"], name=op.f("fk_exit_decision_exit_id_exit"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["party.id"],
            name=op.f("fk_exit_decision_party_id_party"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exit_decision")),
        sa.UniqueConstraint("exit_id", "party_id", name=op.f("uq_exit_decision_exit_id_party_id")),
    )
    with op.batch_alter_table("exit_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exit_decision_exit_id"), ["exit_id"], unique=False)

    # Existing exits get their kind from their scope and the agreement's form.
    op.execute("UPDATE exit SET kind = 'withdrawal' WHERE scope = 'party'")
    op.execute(
        "UPDATE exit SET kind = 'liquidation' WHERE scope = 'agreement' AND agreement_id IN "
        "(SELECT id FROM agreement WHERE form = 'kommunalforbund')"
    )
    # Exit checklist items go to the agreement's one exit of the whole agreement, if it has one.
    op.execute(
        "UPDATE checklist_item SET exit_id = ("
        " SELECT MAX(e.id) FROM exit e WHERE e.agreement_id = checklist_item.agreement_id"
        " AND e.scope = 'agreement' AND e.status IN ('draft', 'adopted', 'completed')"
        ") WHERE phase = 'exit' AND exit_id IS NULL AND ("
        " SELECT COUNT(*) FROM exit e WHERE e.agreement_id = checklist_item.agreement_id"
        " AND e.scope = 'agreement' AND e.status IN ('draft', 'adopted', 'completed')) = 1"
    )


def downgrade():
    with op.batch_alter_table("exit_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exit_decision_exit_id"))
    op.drop_table("exit_decision")
    with op.batch_alter_table("checklist_item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_checklist_item_exit_id_exit"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_checklist_item_exit_id"))
        batch_op.drop_column("exit_id")
    with op.batch_alter_table("checklist_template_item", schema=None) as batch_op:
        batch_op.drop_column("legal_source")
        batch_op.drop_column("sides")
    with op.batch_alter_table("checklist_template", schema=None) as batch_op:
        batch_op.drop_column("exit_kinds")
    with op.batch_alter_table("exit_task", schema=None) as batch_op:
        batch_op.drop_column("not_applicable_reason")
        batch_op.drop_column("is_custom")
        batch_op.drop_column("is_required")
        batch_op.drop_column("legal_source")
    with op.batch_alter_table("exit", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_exit_transition_agreement_id_agreement"), type_="foreignkey"
        )
        batch_op.drop_column("transition_agreement_id")
        batch_op.drop_column("kind")
