"""The Prevent duty toolkit for local authorities' eight benchmarks, in the toolkit's order.

Source: Prevent duty toolkit for local authorities (GOV.UK, accessible version updated
12 February 2024), https://www.gov.uk/government/publications/prevent-duty-toolkit-for-local-authorities
The numbering follows the order of the toolkit's sections; the one-line meanings are
paraphrased (see docs/assurance.md). Loaded by migration 0002 and by
`services.load_toolkit_benchmarks()`; plain data, so the migration can import it.
"""

TOOLKIT_BENCHMARKS: list[tuple[int, str, str, str]] = [
    (
        1,
        "multi-agency-partnership-group",
        "Multi-agency partnership group",
        (
            "A functioning strategic board owns Prevent locally, with the right partners "
            "and governance."
        ),
    ),
    (
        2,
        "local-risk-assessment-process",
        "Local risk assessment process",
        (
            "A regular risk assessment, informed by the Counter-Terrorism Local Profile and "
            "local data, agreed by the partnership."
        ),
    ),
    (
        3,
        "partnership-plan",
        "Partnership plan",
        (
            "A multi-agency action plan that answers the risk assessment, with owners and "
            "progress tracking."
        ),
    ),
    (
        4,
        "referral-pathway",
        "Referral pathway",
        (
            "A clear, well-known route for raising concerns, consistent with the national "
            "referral process."
        ),
    ),
    (
        5,
        "channel-panel",
        "Channel panel",
        (
            "A panel that meets the Channel duty: chairing, membership, support plans and "
            "reviews. Assured separately through the Channel annual assurance statement."
        ),
    ),
    (
        6,
        "training-programme",
        "Training programme",
        "A needs-based training plan for staff and partners, with records of completion.",
    ),
    (
        7,
        "reducing-permissive-environments",
        "Reducing permissive environments",
        (
            "Extremists cannot use council resources: venue hire, IT filtering, events, "
            "commissioned services and out-of-school settings."
        ),
    ),
    (
        8,
        "communications-and-engagement",
        "Communications and engagement",
        (
            "Prevent is communicated and communities and civil society are engaged, "
            "including countering misinformation."
        ),
    ),
]
