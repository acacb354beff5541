"""Maintenance commands on the Flask app: ``flask --app wsgi:server rebuild-profiles``, ``fold-profiles``,
``promote VERSION`` (promotion and rollback) and ``challenger VERSION|--none``."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.services import Services
from modeling.artifacts import Bundle, BundleNotFoundError, load_bundle


def register_commands(server: Flask) -> None:
    """Add the maintenance commands to ``server.cli``."""
    server.cli.add_command(rebuild_profiles_command)
    server.cli.add_command(fold_profiles_command)
    server.cli.add_command(promote_command)
    server.cli.add_command(challenger_command)


def _services() -> Services:
    return current_app.extensions["credit_risk"]


@click.command("rebuild-profiles")
@click.option("--chunk-rows", default=50_000, show_default=True, type=click.IntRange(min=1000),
              help="Rows read and profiled at a time (memory stays bounded by this).")
@with_appcontext
def rebuild_profiles_command(chunk_rows: int) -> None:
    """(Re)build the profiles of every logged row, one streamed pass; versions without a bundle are kept."""
    from app.services.profiles import rebuild_profiles

    services = _services()
    models_dir = services.settings.models_dir

    def bundle_of(version: str) -> Bundle | None:
        if version == services.bundle.model_version:
            return services.bundle
        try:
            return load_bundle(models_dir, version)
        except BundleNotFoundError:
            return None

    report = rebuild_profiles(services.log, bundle_of, chunk_rows=chunk_rows)
    rate = report.total_rows / report.seconds if report.seconds else 0.0
    click.echo(f"rebuilt the profiles of {report.total_rows:,} rows in {report.seconds:.1f} s "
               f"({rate:,.0f} rows/s): {report.fragments:,} fragments")
    for version, rows in report.rows.items():
        click.echo(f"  {version}: {rows:,} rows")
    for version, rows in report.skipped.items():
        click.echo(f"  skipped {version}: {rows:,} rows (no bundle in {models_dir}; its profiles were kept)")


@click.command("fold-profiles")
@with_appcontext
def fold_profiles_command() -> None:
    """Merge the profile fragments of each (model version, source, day) into one."""
    from app.services.profiles import ProfileStore

    removed = ProfileStore(_services().log.engine).fold()
    click.echo(f"folded the profiles: {removed:,} fragments merged away")


@click.command("promote")
@click.argument("version")
@click.option("--actor", default=None, help="Who promotes (recorded); default: the login name.")
@with_appcontext
def promote_command(version: str, actor: str | None) -> None:
    """Point LATEST at VERSION: every worker of every host serves it within seconds (rollback: an older one)."""
    from app.services.models import PromotionError

    control = _services().models
    try:
        switch = control.promote(version, actor or _login())
    except PromotionError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"promoted {switch.to_version} (was {switch.from_version}); roll back with: "
               f"flask --app wsgi:server promote {switch.from_version}")


@click.command("challenger")
@click.argument("version", required=False)
@click.option("--none", "clear", is_flag=True, help="Stop shadow scoring.")
@click.option("--actor", default=None, help="Who switches (recorded); default: the login name.")
@with_appcontext
def challenger_command(version: str | None, clear: bool, actor: str | None) -> None:
    """Make VERSION score every request in shadow on every host (or stop it with --none)."""
    from app.services.models import PromotionError

    if bool(version) == clear:
        raise click.UsageError("give a VERSION or --none")
    try:
        switch = _services().models.set_challenger(None if clear else version, actor or _login())
    except PromotionError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"challenger: {switch.to_version or 'none'} (was {switch.from_version or 'none'})")


def _login() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
