"""Bulk loading with PostgreSQL COPY (psycopg's `cursor.copy()`), keyed by model metadata.

Rows are tuples in the order of the named columns. A NOT NULL column the
caller does not name (a field another engineer adds later) is filled from
the field's default, so the loader keeps working as models grow; a NOT NULL
field without a default fails loudly, naming the field.
"""

from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone
from psycopg import sql


def next_id(model: type[models.Model]) -> int:
    """The first free primary key: ids are assigned here so that rows can point at each other."""
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT COALESCE(MAX({}), 0) + 1 FROM {}").format(
                sql.Identifier(model._meta.pk.column), sql.Identifier(model._meta.db_table)
            )
        )
        return cursor.fetchone()[0]


def reset_sequence(model: type[models.Model]) -> None:
    """Moves the primary key's identity sequence past the ids written with COPY."""
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence(%s, %s), "
                "GREATEST((SELECT MAX({}) FROM {}), 1))"
            ).format(sql.Identifier(pk), sql.Identifier(table)),
            [table, pk],
        )


def _fillers(model: type[models.Model], columns: Sequence[str]):
    """(column, value-or-callable) for the NOT NULL columns the caller left out."""
    named = set(columns)
    fillers = []
    for field in model._meta.concrete_fields:
        if field.column in named or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fillers.append((field.column, field.get_db_prep_save(timezone.now(), connection)))
        elif field.has_default():
            if callable(field.default) and field.unique:
                fillers.append(
                    (
                        field.column,
                        lambda f=field: f.get_db_prep_save(f.get_default(), connection),
                    )
                )
            else:
                fillers.append(
                    (field.column, field.get_db_prep_save(field.get_default(), connection))
                )
        elif field.has_db_default() or field.null:
            continue
        elif field.empty_strings_allowed and field.get_default() == "":
            fillers.append((field.column, ""))
        else:
            raise RuntimeError(
                f"{model._meta.label}.{field.name} is NOT NULL without a default: "
                "tests/bench must fill it."
            )
    return fillers


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPYs `rows` (tuples in the order of `columns`) into the model's table; returns the count."""
    fillers = _fillers(model, columns)
    all_columns = [*columns, *(column for column, _value in fillers)]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, all_columns))
    )
    constant = not any(callable(value) for _column, value in fillers)
    extra = tuple(value for _column, value in fillers) if constant else None
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            if extra is None:
                row = (*row, *(value() if callable(value) else value for _c, value in fillers))
            elif extra:
                row = (*row, *extra)
            copy.write_row(row)
            count += 1
    return count
