"""kommun administrator role: user.role holds 'kommun_admin' (widened from 10 to 20 characters)

Revision ID: 011
Revises: 010
Create Date: 2026-12-07 05:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "011"
down_revision = "010"
branch_labels = None
depends_on = None


def upgrade():
    # Existing roles (admin, editor, reader) are kept as they are.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('role', existing_type=sa.String(length=10),
                              type_=sa.String(length=20), existing_nullable=False)


def downgrade():
    # A kommun administrator becomes an editor of the same kommun (the nearest narrower role).
    op.execute("UPDATE \"user\" SET role = 'editor' WHERE role = 'kommun_admin'")
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('role', existing_type=sa.String(length=20),
                              type_=sa.String(length=10), existing_nullable=False)
