"""URL kwargs for the report pages in the URL walk: the population report, which needs
no other app, is always registered; committee reports, their versions (for the board
audience, which every reading role may have) and grant returns are made through the
services."""

from dueregard.casework.tests.url_samples import scenario

from . import factories as f


def _version(world):
    version = f.committee_version(world)
    return {"pk": version.report_id, "number": version.number}


def _copy(world):
    from dueregard.reports import services

    return services.copy_template(
        world.authority, preset="barnet", acting_user=world["coordinator"]
    )


def _templated(world):
    from dueregard.reports import services

    lead = world["coordinator"]
    template = services.copy_template(world.authority, preset="barnet", acting_user=lead)
    report = services.create_committee_report(
        world.authority,
        board=f.board(world),
        start=f.FY_START,
        end=f.FY_END,
        acting_user=lead,
        template=template,
    )
    services.update_committee_report(
        report, {"exempt": {"appendix_risk_register": "7"}}, acting_user=lead
    )
    return report


def _templated_version(world):
    from dueregard.reports import services

    version = services.generate_committee_version(_templated(world), acting_user=None)
    return {"pk": version.report_id, "number": version.number}


def _line(world):
    line = f.budget_line(world)
    return {"pk": line.grant_return_id, "line": line.pk}


SAMPLES = {
    "reports:report": lambda world: {"report_id": "population"},
    "reports:download": lambda world: {"report_id": "population"},
    "reports:committee": lambda world: {"pk": f.committee_report(world).pk},
    "reports:committee_edit": lambda world: {"pk": f.committee_report(world).pk},
    "reports:committee_generate": lambda world: {"pk": f.committee_report(world).pk},
    "reports:committee_version": _version,
    "reports:committee_version_download": lambda world: {**_version(world), "format_id": "docx"},
    "reports:committee_template_edit": lambda world: {"pk": _copy(world).pk},
    "reports:committee_sections": lambda world: {"pk": _templated(world).pk},
    "reports:committee_clearance": lambda world: {"pk": _templated(world).pk},
    "reports:committee_mark_final": _templated_version,
    "reports:committee_version_download_exempt": lambda world: {
        **_templated_version(world),
        "format_id": "docx",
    },
    # The casework walk's meeting: a panel member persona sits on its panel.
    "reports:meeting_paper": lambda world: {
        "pk": scenario(world)["meeting"].pk,
        "paper": "agenda",
        "format_id": "docx",
    },
    "reports:grant_return": lambda world: {"pk": f.grant_return(world).pk},
    "reports:grant_return_edit": lambda world: {"pk": f.grant_return(world).pk},
    "reports:grant_return_line_add": lambda world: {"pk": f.grant_return(world).pk},
    "reports:grant_return_line": _line,
    "reports:grant_return_line_remove": _line,
    "reports:grant_return_sign_off": lambda world: {"pk": f.grant_return(world).pk},
    "reports:grant_return_amend": lambda world: {"pk": f.signed_off_return(world).pk},
    "reports:grant_return_download": lambda world: {"pk": f.grant_return(world).pk},
}
