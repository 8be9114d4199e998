"""``wfm export``: a plan folder as an import file of a WFM suite, a schedule file or a table."""

from __future__ import annotations

import click

from wfm.cli.choices import CSV_DIALECT, LAYOUT, VOLUMES, WEEKDAY
from wfm.cli.plan_options import PLAN_DIR, plan_file_options


def register(group: click.Group) -> None:
    """Add the export command to the main group."""
    group.add_command(export)


def scenario_for(plan_dir: str, scenario: str | None, manifest: dict, needed: bool):
    """The scenario given, else the plan's own copy, else the file its manifest names.

    ``wfm plan`` keeps a copy of its scenario in the plan folder (``scenario.toml``); older
    plan folders are served by the file the manifest names, in the folder or beside it.
    """
    from wfm.core.errors import ConfigError
    from wfm.io.plan_folder import SCENARIO_COPY, plan_scenario_file
    from wfm.io.scenario import load_scenario

    if scenario:
        return load_scenario(scenario)
    found = plan_scenario_file(plan_dir, manifest)
    if found is not None:
        return load_scenario(found)
    if needed:
        named = manifest.get("scenario")
        named = named.get("file", "") if isinstance(named, dict) else ""
        raise ConfigError(
            f"this layout needs the scenario: the plan folder {plan_dir} keeps no copy of it "
            f"({SCENARIO_COPY}; plans made before wfm kept one) and "
            f"{named or 'the scenario file'} is not beside it; give --scenario FILE"
        )
    return None


def export_inputs(plan_dir: str, scenario: str | None, *files) -> list:
    """The files an export may read, as far as they exist: the plan folder's manifest and
    plan tables, its scenario (``scenario`` given, else the one the folder serves) and
    ``files`` (history, queue map, agent map; None for none). ``--out`` must be none of them."""
    from pathlib import Path

    from wfm.io.plan_folder import SCENARIO_COPY, plan_folder_inputs, plan_scenario_file
    from wfm.io.records import read_manifest

    folder = Path(plan_dir)
    served = plan_scenario_file(folder, read_manifest(folder))
    return plan_folder_inputs(folder, folder / SCENARIO_COPY, served, scenario, *files)


def _queue_ids(queue_map: str | None, queue_ids: tuple[str, ...]) -> dict[str, str]:
    from pathlib import Path

    from wfm.core.errors import ConfigError
    from wfm.io.tables import read_csv_strings
    from wfm.report.exports import queue_map_from_table

    ids = queue_map_from_table(read_csv_strings(Path(queue_map)), queue_map) if queue_map else {}
    for item in queue_ids:
        skill, sep, qid = item.partition("=")
        if not sep or not skill.strip() or not qid.strip():
            raise ConfigError(f"expected SKILL=ID; got {item!r}", key="--queue-id")
        ids[skill.strip()] = qid.strip()
    return ids


def _agent_ids(agent_map: str | None):
    from pathlib import Path

    from wfm.io.tables import read_csv_strings
    from wfm.report.genesys_schedule import agent_map_from_table

    return agent_map_from_table(read_csv_strings(Path(agent_map)), agent_map) if agent_map else None


def _activity_codes(items: tuple[str, ...]) -> dict[str, str]:
    from wfm.core.errors import ConfigError
    from wfm.report.genesys_schedule import ACTIVITY_KINDS

    codes: dict[str, str] = {}
    for item in items:
        kind, sep, code = (part.strip() for part in item.partition("="))
        if not sep or kind not in ACTIVITY_KINDS or not code:
            raise ConfigError(
                f"expected KIND=ID with KIND one of {', '.join(ACTIVITY_KINDS)}; got {item!r}",
                key="--activity-code",
            )
        codes[kind] = code
    return codes


def _write_archive(layout, tables, sc, opt, out_file) -> None:
    from wfm.io.files import atomic_path
    from wfm.report.export_documents import export_archive

    archive = export_archive(layout, tables, sc, opt)
    with atomic_path(out_file) as tmp:
        tmp.write_bytes(archive.data)
    click.echo(f"{layout}: {archive.summary} written to {out_file}")


@click.command()
@PLAN_DIR
@click.option(
    "--layout",
    required=True,
    type=LAYOUT,
    help="Import layout of the target WFM suite, a schedule file, or tidy for our own tables.",
)
@plan_file_options(
    out_help="File to write (atomically).",
    scenario_help="Scenario TOML (default: the copy the plan folder keeps, scenario.toml).",
    history_help="History CSV: what genesys-historical and amazon-connect-historical export.",
)
@click.option(
    "--table", default="forecast", show_default=True, help="tidy: which plan table to export."
)
@click.option(
    "--volumes",
    type=VOLUMES,
    default="split",
    show_default=True,
    help="Forecast layouts (amazon-connect-forecast, genesys-forecast, verint-strategic-planner): "
    "human contacts of the split, or the whole forecast.",
)
@click.option(
    "--tz",
    default="",
    help="Calabrio and Verint file zone / Amazon Connect forecast time zone / Genesys business "
    "unit time zone (default: home site's).",
)
@click.option(
    "--queue-map",
    type=click.Path(dir_okay=False, exists=True),
    help="CSV with columns skill,queue_id: Amazon Connect queue id (end of the queue ARN) or "
    "Genesys Cloud planning group id of each skill.",
)
@click.option(
    "--queue-id",
    "queue_ids",
    multiple=True,
    metavar="SKILL=ID",
    help="Amazon Connect queue id / Genesys planning group id of one skill; repeatable, "
    "overrides --queue-map.",
)
@click.option(
    "--week-start",
    type=WEEKDAY,
    default="mon",
    show_default=True,
    help="genesys-forecast: the business unit's start day of week.",
)
@click.option("--daily", is_flag=True, help="Amazon Connect: one row per queue and local day.")
@click.option(
    "--pool",
    "pools",
    multiple=True,
    metavar="SITE/POOL",
    help="schedule-ics: keep this pool only; repeatable.",
)
@click.option(
    "--agent-map",
    type=click.Path(dir_okay=False, exists=True),
    help="genesys-agent-schedules: CSV with columns agent_id,user_id[,work_plan_id], the "
    "Genesys Cloud user id (and work plan id) of each agent of the roster.",
)
@click.option(
    "--activity-code",
    "activity_codes",
    multiple=True,
    metavar="KIND=ID",
    help="genesys-agent-schedules: Genesys Cloud activity code id of work, break (required) "
    "and meal (unpaid breaks; optional); repeatable.",
)
@click.option(
    "--csv-dialect",
    type=CSV_DIALECT,
    default="comma",
    show_default=True,
    help="tidy, schedule-shifts and roster-shifts: excel-fr = semicolons and decimal commas.",
)
def export(
    plan_dir,
    layout,
    out_file,
    scenario,
    history,
    table,
    volumes,
    tz,
    queue_map,
    queue_ids,
    week_start,
    daily,
    pools,
    agent_map,
    activity_codes,
    csv_dialect,
):
    """Write a plan as an import file of a WFM suite, a schedule file, or one of our tables.

    Cells a spreadsheet would take for a formula (= + - @) are neutralised. Without
    --scenario the scenario copy the plan folder keeps is used. The export never replaces
    a file the run reads (exit 2, nothing written).
    """
    from wfm.cli.stage_output import check_outputs
    from wfm.core.errors import ConfigError
    from wfm.io.contacts import check_tz
    from wfm.io.plan_folder import (
        read_plan_folder,
        write_export,
        write_export_text,
    )
    from wfm.io.tables import read_history
    from wfm.report.export_documents import export_document
    from wfm.report.exports import (
        ARCHIVE_LAYOUTS,
        CSV_DIALECTS,
        LAYOUT_SOURCES,
        TEXT_LAYOUTS,
        ExportOptions,
        export_layout,
        localise,
    )

    if csv_dialect != "comma" and layout not in ("tidy", "schedule-shifts", "roster-shifts"):
        raise ConfigError(
            f"--csv-dialect {csv_dialect} is for tidy, schedule-shifts and roster-shifts "
            f"only: {layout} "
            "follows the suite's documented comma-separated layout",
            key="--csv-dialect",
        )
    if tz:
        check_tz(tz, "--tz")
    inputs = export_inputs(plan_dir, scenario, history, queue_map, agent_map)
    check_outputs(out_file, "export", folder=False, inputs=inputs)
    needs = LAYOUT_SOURCES.get(layout, table if layout == "tidy" else volumes)
    tables, manifest = read_plan_folder(plan_dir, only=[] if needs == "history" else [needs])
    sc = scenario_for(plan_dir, scenario, manifest, needed=layout != "tidy")
    if history:
        tables["history"] = read_history(history, sc)
    opt = ExportOptions(
        tz=tz,
        queue_ids=_queue_ids(queue_map, queue_ids),
        table=table,
        volume_source=volumes,
        week_start=week_start,
        daily=daily,
        pools=tuple(pools),
        stamp_utc=str(manifest.get("created_utc", "")),
        agent_ids=_agent_ids(agent_map),
        activity_codes=_activity_codes(activity_codes),
    )
    if layout in ARCHIVE_LAYOUTS:
        _write_archive(layout, tables, sc, opt, out_file)
        return
    if layout in TEXT_LAYOUTS:
        doc = export_document(layout, tables, sc, opt)
        write_export_text(doc.text, out_file)
        for note in doc.notes:
            click.echo(f"note: {note}", err=True)
        click.echo(f"{layout}: {doc.summary} written to {out_file}")
        return
    result = localise(export_layout(layout, tables, sc, opt), csv_dialect)
    write_export(result.table, out_file, header=result.header, sep=CSV_DIALECTS[csv_dialect])
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"{layout}: {len(result.table)} rows written to {out_file}")
