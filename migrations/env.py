import logging

import sqlalchemy
from alembic import context
from flask import current_app

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Logging is the application's (coop_tracker.core.logs: text or JSON, masked); alembic.ini's
# fileConfig would replace its handler and silence every logger created before it.
logger = logging.getLogger("alembic.env")


def get_engine():
    # Flask-SQLAlchemy 3: db.engine (db.get_engine() is deprecated and warns).
    return current_app.extensions["migrate"].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
    except AttributeError:
        return str(get_engine().url).replace("%", "%%")


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True)

    with context.begin_transaction():
        context.run_migrations()


def include_name(name, type_, parent_names):
    """Tables outside the models: SQLite's FTS5 index of documents (migration 012) and the
    shadow tables FTS5 keeps for it."""
    from coop_tracker.documents.search import is_index_table

    return not (type_ == "table" and is_index_table(name))


# Revision ids before they were renumbered in chain order (2026-12-07): a database stamped with
# an old id is restamped with its new one before migrating, so an existing installation upgrades
# as before. The new ids have three digits and the old four, so no id means two revisions.
RENUMBERED = {
    "0001": "001", "0006": "002", "0004": "003", "0003": "004", "0013": "005", "0011": "006",
    "0009": "007", "0008": "008", "0012": "009", "0007": "010", "0018": "011", "0015": "012",
    "0016": "013", "0016b": "014", "0017": "015", "0018b": "016", "0014": "017", "0020": "018",
    "0021": "019", "0019": "020",
}  # fmt: skip


def restamp_renumbered(connection):
    """Give a database stamped with a revision id from before the renumbering its new id.

    Always ends by committing: the inspection begins a transaction, and a connection left in one
    makes Alembic treat it as the caller's and never commit the migrations (on PostgreSQL an
    upgrade of an empty database was silently rolled back)."""
    if sqlalchemy.inspect(connection).has_table("alembic_version"):
        stamped = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        if stamped in RENUMBERED:
            connection.execute(
                sqlalchemy.text(
                    "UPDATE alembic_version SET version_num = :new WHERE version_num = :old"
                ),
                {"new": RENUMBERED[stamped], "old": stamped},
            )
            logger.info("Revision %s is now called %s", stamped, RENUMBERED[stamped])
    connection.commit()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    conf_args.setdefault("render_as_batch", True)
    conf_args.setdefault("compare_type", True)
    conf_args.setdefault("include_name", include_name)
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        # SQLite batch mode rebuilds a table (copy, drop, rename). With foreign keys on, dropping
        # the old table fires ON DELETE CASCADE and empties every child table (parties, contacts,
        # checklist items…), so they are off while migrating and checked afterwards. The pragma is
        # a no-op inside a transaction: set it first, on a connection with nothing begun.
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        restamp_renumbered(connection)
        context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)

        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
            if broken:
                raise RuntimeError(f"Migration left rows with broken foreign keys: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
